import { hostConfigDescriptor } from './config_schema';

test('no host config-schema package: no descriptor', () => {
  expect(
    hostConfigDescriptor(() => {
      throw new Error('Cannot find module');
    }),
  ).toBeUndefined();
});

test("with the host's package: an object schema that lets every key through", () => {
  const calls: unknown[][] = [];
  const fake = { schema: { object: (...args: unknown[]) => (calls.push(args), { kind: 'object-type' }) } };
  const loaded: string[] = [];
  const descriptor = hostConfigDescriptor((name) => {
    loaded.push(name);
    if (name === '@osd/config-schema') return fake;
    throw new Error(`Cannot find module '${name}'`);
  });
  expect(loaded).toEqual(['@kbn/config-schema', '@osd/config-schema']);
  expect(descriptor).toEqual({ schema: { kind: 'object-type' } });
  expect(calls).toEqual([[{}, { unknowns: 'allow' }]]);
});
