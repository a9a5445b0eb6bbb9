/* Runs the CLI in-process as a host user (its credentials from the environment, as an operator would set them), capturing its output. */
import { runCli } from '../../cli/elastic_recheck_cli';

export async function runCliAs(
  user: string,
  password: string,
  ...argv: string[]
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const saved = [process.env.ELASTIC_RECHECK_USER, process.env.ELASTIC_RECHECK_PASSWORD];
  process.env.ELASTIC_RECHECK_USER = user;
  process.env.ELASTIC_RECHECK_PASSWORD = password;
  try {
    const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  } finally {
    [process.env.ELASTIC_RECHECK_USER, process.env.ELASTIC_RECHECK_PASSWORD] = saved;
    if (saved[0] === undefined) delete process.env.ELASTIC_RECHECK_USER;
    if (saved[1] === undefined) delete process.env.ELASTIC_RECHECK_PASSWORD;
  }
}
