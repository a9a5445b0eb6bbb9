/* The mount follows what the host's shared react-dom offers (docs/host_compatibility.md, React per host). */
import React from 'react';
import * as ReactDOM from 'react-dom';
import { act } from 'react';
import { mountReact } from './application';

const node = <p data-test-subj="mounted">hello</p>;

test('React 18 (Kibana 9.x, OSD 3.6+): createRoot, and unmount empties the element', () => {
  const el = document.createElement('div');
  let unmount!: () => void;
  act(() => {
    unmount = mountReact(ReactDOM as any, el, node);
  });
  expect(el.textContent).toBe('hello');
  act(() => unmount());
  expect(el.innerHTML).toBe('');
});

test('a react-dom without createRoot (React 16/17: OSD before 3.6): the legacy render', () => {
  const el = document.createElement('div');
  const calls: string[] = [];
  const legacy = {
    render: (n: React.ReactElement, e: HTMLElement) => (calls.push('render'), (ReactDOM as any).render(n, e)),
    unmountComponentAtNode: (e: HTMLElement) => (calls.push('unmount'), (ReactDOM as any).unmountComponentAtNode(e)),
  };
  const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined); // React 18 warns about legacy render
  let unmount!: () => void;
  act(() => {
    unmount = mountReact(legacy, el, node);
  });
  expect(el.textContent).toBe('hello');
  act(() => unmount());
  spy.mockRestore();
  expect(calls).toEqual(['render', 'unmount']);
  expect(el.innerHTML).toBe('');
});

test('neither createRoot nor render: a readable error on the page, not a blank one', () => {
  const el = document.createElement('div');
  const unmount = mountReact({ version: '15.7.0' }, el, node);
  const alert = el.querySelector('[data-test-subj="elasticRecheckMountError"]')!;
  expect(alert.getAttribute('role')).toBe('alert');
  expect(alert.textContent).toBe(
    "Elastic Recheck cannot start: the host's react-dom 15.7.0 offers neither createRoot nor render.",
  );
  unmount();
  expect(el.innerHTML).toBe('');
});
