import { bareTestId } from './classify';

it('strips subunit attributes from test ids', () => {
  expect(bareTestId('a.b.test_c[id-1,smoke]')).toBe('a.b.test_c');
  expect(bareTestId('a.b.test_c')).toBe('a.b.test_c');
});
