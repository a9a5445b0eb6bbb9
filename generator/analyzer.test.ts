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

describe('analyze: ASCII fast path', () => {
  it('gives the same tokens as the general path', () => {
    const samples = [
      "controller | ERROR nova.compute.manager [req-1] a.b:c x'y 1,2;3 __ _a_ v1.2.3a foo..bar a::b 'q' end.",
      'Nov 21 10:00:00.123456 np0012 kernel: [12.5] Out of memory: Killed process 4242 (qemu-system-x86)',
    ];
    for (const s of samples) {
      const general = analyze(`${s} é`);
      general.pop();
      expect(analyze(s)).toEqual(general);
    }
  });
});
