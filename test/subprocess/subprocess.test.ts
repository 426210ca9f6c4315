import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { realpathSync } from 'node:fs';
import { CancelledError, ValueError } from '../../runtime/errors.js';
import { createTask } from '../../runtime/run.js';
import { sleep } from '../../runtime/sleep.js';
import { createSubprocessExec, createSubprocessShell } from '../../runtime/subprocess/create-subprocess.js';
import type { Process } from '../../runtime/subprocess/process.js';
import { expectNoChildrenOrPipes, isAlive, nodeChild, pipesBefore, runCollecting } from './helpers.js';

let pipesAtStart = 0;
beforeEach(() => {
  pipesAtStart = pipesBefore();
});
afterEach(() => expectNoChildrenOrPipes(pipesAtStart));

/** Copies stdin to stdout. */
const CAT = 'process.stdin.pipe(process.stdout)';
/** Runs until killed. */
const FOREVER = 'setInterval(() => {}, 1000); process.stdout.write("ready\\n")';

describe('subprocesses: pipes', () => {
  it('echo through stdin and stdout: write, drain, readline; closing stdin ends the child', async () => {
    const { value, reports } = await runCollecting(function* () {
      const child = yield* nodeChild(CAT, { stdin: 'pipe', stdout: 'pipe' });
      expect(child.pid).toBeGreaterThan(0);
      expect(child.returncode).toBeNull();
      expect(child.stderr).toBeNull();
      const stdin = child.stdin!;
      const stdout = child.stdout!;
      const lines: string[] = [];
      for (const line of ['one\n', 'two\n', 'three\n']) {
        stdin.write(Buffer.from(line));
        yield* stdin.drain();
        lines.push((yield* stdout.readline()).toString());
      }
      stdin.close();
      const rest = yield* stdout.read();
      const returncode = yield* child.wait();
      return { lines, rest: rest.length, returncode, after: child.returncode };
    });
    expect(value).toEqual({ lines: ['one\n', 'two\n', 'three\n'], rest: 0, returncode: 0, after: 0 });
    expect(reports).toEqual([]);
  });

  it('communicate(input) gives [stdout, stderr] separately, then the exit code', async () => {
    const script = `
      let input = '';
      process.stdin.on('data', (chunk) => { input += chunk; });
      process.stdin.on('end', () => {
        process.stdout.write(input.toUpperCase());
        process.stderr.write('read ' + input.length + ' chars');
        process.exitCode = 3;
      });`;
    const { value } = await runCollecting(function* () {
      const child = yield* nodeChild(script, { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe' });
      const [stdout, stderr] = yield* child.communicate(Buffer.from('hello child'));
      return { stdout: stdout?.toString(), stderr: stderr?.toString(), returncode: child.returncode };
    });
    expect(value).toEqual({ stdout: 'HELLO CHILD', stderr: 'read 11 chars', returncode: 3 });
  });

  it("stderr: 'stdout' sends both streams to one reader; 'ignore' gives no stream", async () => {
    const { value } = await runCollecting(function* () {
      const child = yield* nodeChild('console.log("out"); console.error("err")', { stdout: 'pipe', stderr: 'stdout' });
      const [merged, stderr] = yield* child.communicate();
      const quiet = yield* nodeChild('console.log("dropped")', { stdout: 'ignore', stderr: 'ignore' });
      const [none] = yield* quiet.communicate();
      return { merged: merged?.toString().split('\n').sort(), stderr, none, quietCode: quiet.returncode };
    });
    expect(value).toEqual({ merged: ['', 'err', 'out'], stderr: null, none: null, quietCode: 0 });
    await expect(runCollecting(() => nodeChild('', { stderr: 'stdout' }))).rejects.toThrow(ValueError);
  });

  it('a child that exits without reading its input: communicate ignores the broken pipe', async () => {
    const { value } = await runCollecting(function* () {
      const child = yield* nodeChild('process.exit(5)', { stdin: 'pipe', stdout: 'pipe' });
      const [stdout] = yield* child.communicate(Buffer.alloc(4 * 1024 * 1024, 1));
      return { stdout: stdout?.length, returncode: child.returncode };
    });
    expect(value).toEqual({ stdout: 0, returncode: 5 });
  });
});

describe('subprocesses: back-pressure', () => {
  it('8 MiB through a copying child with communicate: both directions at once, no deadlock', async () => {
    const input = Buffer.alloc(8 * 1024 * 1024);
    for (let index = 0; index < input.length; index += 4096) input[index] = index % 251;
    const { value } = await runCollecting(function* () {
      const child = yield* nodeChild(CAT, { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe' });
      const [stdout, stderr] = yield* child.communicate(input);
      return { same: stdout?.equals(input), stderr: stderr?.length, returncode: child.returncode };
    });
    expect(value).toEqual({ same: true, stderr: 0, returncode: 0 });
  });

  it('a reader nobody reads pauses the pipe: the child blocks in its writes with the buffer bounded, then finishes once read', async () => {
    const total = 4 * 1024 * 1024;
    const script = `
      const chunk = Buffer.alloc(65536, 120);
      let left = ${total / 65536};
      (function write() {
        while (left > 0) { left--; if (!process.stdout.write(chunk)) return process.stdout.once('drain', write); }
      })();`;
    const limit = 16 * 1024;
    const { value } = await runCollecting(function* () {
      const child = yield* nodeChild(script, { stdout: 'pipe', limit });
      // Until the reader holds more than 2 × limit and pauses (bounded: about 2 s).
      for (let polls = 0; polls < 400 && !child.stdout!.isPaused(); polls++) yield* sleep(5);
      // Then time enough for the child to finish, if anything still took its output.
      yield* sleep(100);
      const whileUnread = { returncode: child.returncode, paused: child.stdout!.isPaused(), buffered: child.stdout!.buffered };
      const all = yield* child.stdout!.read();
      return { whileUnread, read: all.length, returncode: yield* child.wait() };
    });
    expect(value.whileUnread.returncode).toBeNull();
    expect(value.whileUnread.paused).toBe(true);
    // Paused above 2 × limit; one more pipe read may land before the pause takes effect.
    expect(value.whileUnread.buffered).toBeLessThanOrEqual(2 * limit + 65536);
    expect(value.read).toBe(total);
    expect(value.returncode).toBe(0);
  });
});

describe('subprocesses: exit status and signals', () => {
  it('exit codes; kill() gives -9, terminate() -15; a signal after the exit does nothing', async () => {
    const { value } = await runCollecting(function* () {
      const exits = yield* nodeChild('process.exit(7)');
      const code = yield* exits.wait();
      exits.kill(); // already gone: a no-op, as Popen.send_signal

      const killed = yield* nodeChild(FOREVER, { stdout: 'pipe' });
      yield* killed.stdout!.readline();
      killed.kill();
      const killedCode = yield* killed.wait();

      const terminated = yield* nodeChild(FOREVER, { stdout: 'pipe' });
      yield* terminated.stdout!.readline();
      terminated.terminate();
      const terminatedCode = yield* terminated.wait();

      const interrupted = yield* nodeChild(FOREVER, { stdout: 'pipe' });
      yield* interrupted.stdout!.readline();
      interrupted.sendSignal('SIGINT');
      return { code, again: yield* exits.wait(), killedCode, terminatedCode, interruptedCode: yield* interrupted.wait() };
    });
    expect(value).toEqual({ code: 7, again: 7, killedCode: -9, terminatedCode: -15, interruptedCode: -2 });
  });

  it('a program that does not exist fails the start with ENOENT and leaves nothing open', async () => {
    const failure = await runCollecting(() => createSubprocessExec('/nonexistent/tsyncio-no-such-program', [], { stdin: 'pipe', stdout: 'pipe' })).then(
      () => null,
      (error: unknown) => error,
    );
    expect((failure as NodeJS.ErrnoException).code).toBe('ENOENT');
  });
});

describe('subprocesses: cancellation and the loop', () => {
  it('cancelling wait() or communicate() stops the waiting, not the child (asyncio semantics)', async () => {
    const { value } = await runCollecting(function* () {
      const child = yield* nodeChild(FOREVER, { stdin: 'pipe', stdout: 'pipe' });
      const waiting = createTask(child.wait());
      const communicating = createTask(child.communicate());
      yield* sleep(50);
      waiting.cancel();
      communicating.cancel();
      const outcomes: string[] = [];
      for (const task of [waiting, communicating]) {
        try {
          yield* task;
        } catch (error) {
          outcomes.push(error instanceof CancelledError ? 'cancelled' : String(error));
        }
      }
      const stillRunning = child.returncode === null && isAliveNow(child);
      child.kill();
      return { outcomes, stillRunning, returncode: yield* child.wait() };
    });
    expect(value).toEqual({ outcomes: ['cancelled', 'cancelled'], stillRunning: true, returncode: -9 });
  });

  it('a child still running when the loop closes is killed (as asyncio closes its transport), and Node is not kept waiting', async () => {
    let pid = 0;
    await runCollecting(function* () {
      const child = yield* nodeChild(FOREVER, { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe' });
      pid = child.pid;
      yield* child.stdout!.readline();
    });
    for (let attempt = 0; attempt < 100 && isAlive(pid); attempt++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(isAlive(pid)).toBe(false);
  });
});

describe('createSubprocessShell', () => {
  it('runs a command line through the shell, with cwd and env', async () => {
    const directory = realpathSync(tmpdir());
    const { value } = await runCollecting(function* () {
      const shell = yield* createSubprocessShell('echo "$GREETING from $(pwd)"; echo oops >&2; exit 4', {
        stdout: 'pipe',
        stderr: 'pipe',
        cwd: directory,
        env: { ...process.env, GREETING: 'hello' },
      });
      const [stdout, stderr] = yield* shell.communicate();
      return { stdout: stdout?.toString(), stderr: stderr?.toString(), returncode: shell.returncode };
    });
    expect(value).toEqual({ stdout: `hello from ${directory}\n`, stderr: 'oops\n', returncode: 4 });
  });
});

function isAliveNow(child: Process): boolean {
  return isAlive(child.pid);
}
