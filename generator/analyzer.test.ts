import { analyze } from './analyzer';

describe('analyze (standard analyzer approximation)', () => {
  it('splits words and lowercases', () => {
    expect(analyze('Instance failed to SPAWN!')).toEqual(['instance', 'failed', 'to', 'spawn']);
  });
  it('keeps UAX#29 joins that matter in logs', () => {
    expect(analyze('./stack.sh:exit_trap')).toEqual(['stack.sh:exit_trap']);
    expect(analyze('tempest.lib.exceptions.SSHTimeout: boom')).toEqual(['tempest.lib.exceptions.sshtimeout', 'boom']);
    expect(analyze("192.168.0.1:8080 1,000 don't")).toEqual(['192.168.0.1', '8080', '1,000', "don't"]);
    expect(analyze('a.1 v1.2 abc-def __init__ ___ _x')).toEqual(['a', '1', 'v1.2', 'abc', 'def', '__init__', '_x']);
  });
  it('makes single tokens of ideographs', () => {
    expect(analyze('日本語')).toEqual(['日', '本', '語']);
  });
});
