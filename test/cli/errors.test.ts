import { afterAll, describe, expect, it } from 'vitest';
import { MIXED_SOURCE, SYNTAX_ERROR_SOURCE, tempProject, tsyncio } from './helpers.js';

describe('tsyncio: bad input is one line on stderr and a non-zero exit', () => {
  const project = tempProject({ 'good.ts': MIXED_SOURCE, 'broken.ts': SYNTAX_ERROR_SOURCE });
  afterAll(() => project.cleanup());

  const expectOneLine = (run: ReturnType<typeof tsyncio>, status: number, message: string | RegExp): void => {
    expect(run.status).toBe(status);
    expect(run.stdout).toBe('');
    expect(run.stderr.endsWith('\n') && !run.stderr.slice(0, -1).includes('\n')).toBe(true);
    if (typeof message === 'string') expect(run.stderr).toBe(`${message}\n`);
    else expect(run.stderr).toMatch(message);
  };

  for (const command of ['emit', 'compare']) {
    it(`${command}: a missing file`, () => {
      expectOneLine(tsyncio([command, project.path('nope.ts')]), 1, `tsyncio: ${project.path('nope.ts')}: no such file`);
    });

    it(`${command}: a directory`, () => {
      expectOneLine(tsyncio([command, project.dir]), 1, `tsyncio: ${project.dir}: not a file`);
    });

    it(`${command}: a syntax error, with where it is`, () => {
      expectOneLine(tsyncio([command, project.path('broken.ts')]), 1, `tsyncio: ${project.path('broken.ts')}:2:9: syntax error TS1005: ',' expected. (and 2 more)`);
    });

    it(`${command}: an unknown option`, () => {
      expectOneLine(tsyncio([command, '--fast', project.path('good.ts')]), 2, `tsyncio ${command}: unknown option '--fast' (see 'tsyncio ${command} --help')`);
      expectOneLine(tsyncio([command, '-x', project.path('good.ts')]), 2, `tsyncio ${command}: unknown option '-x' (see 'tsyncio ${command} --help')`);
    });

    it(`${command}: a bad --generators value, and a missing value`, () => {
      expectOneLine(tsyncio([command, '--generators', 'some', project.path('good.ts')]), 2, `tsyncio ${command}: --generators must be 'all' or 'marked', not 'some' (see 'tsyncio ${command} --help')`);
      expectOneLine(tsyncio([command, project.path('good.ts'), '--generators']), 2, `tsyncio ${command}: option '--generators' needs a value (see 'tsyncio ${command} --help')`);
    });

    it(`${command}: no file`, () => {
      expectOneLine(tsyncio([command]), 2, new RegExp(`^tsyncio ${command}: ${command} needs (a|at least one) file`));
    });
  }

  it('emit: nothing is printed when one of several inputs is bad', () => {
    expectOneLine(tsyncio(['emit', project.path('good.ts'), project.path('broken.ts')]), 1, /broken\.ts:2:9: syntax error/);
  });

  it('emit: an unknown --target or --module lists the ones there are', () => {
    expectOneLine(tsyncio(['emit', '--target', 'es1999', project.path('good.ts')]), 2, /^tsyncio emit: unknown --target 'es1999' \(one of: ES5, ES2015, .*ESNext\)/);
    expectOneLine(tsyncio(['emit', '--module', 'amd2', project.path('good.ts')]), 2, /^tsyncio emit: unknown --module 'amd2' \(one of: None, CommonJS, .*NodeNext.*\)/);
  });

  it('compare: one file only, and a sensible --width', () => {
    expectOneLine(tsyncio(['compare', project.path('good.ts'), project.path('good.ts')]), 2, "tsyncio compare: compare takes one file, not 2 (see 'tsyncio compare --help')");
    expectOneLine(tsyncio(['compare', '--width', 'wide', project.path('good.ts')]), 2, /--width must be a whole number of columns, at least 20, not 'wide'/);
  });

  it('an unknown command, or an option before the command', () => {
    expectOneLine(tsyncio(['build', 'x.ts']), 2, "tsyncio: unknown command 'build' (commands: emit, compare) (see 'tsyncio --help')");
    expectOneLine(tsyncio(['--fast']), 2, "tsyncio: unknown option '--fast' (a command comes first: emit, compare) (see 'tsyncio --help')");
  });
});

describe('tsyncio: help and version', () => {
  it('--help (and no arguments, on stderr with status 2) shows the commands', () => {
    const help = tsyncio(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('tsyncio emit <files…> [options]');
    expect(help.stdout).toContain('tsyncio compare <file> [options]');
    const bare = tsyncio([]);
    expect(bare.status).toBe(2);
    expect(bare.stderr).toBe(help.stdout);
  });

  it('each command has its own --help, also as `help <command>` and -h', () => {
    for (const command of ['emit', 'compare']) {
      const help = tsyncio([command, '--help']);
      expect(help.status).toBe(0);
      expect(help.stdout.startsWith(`Usage: tsyncio ${command} `)).toBe(true);
      expect(help.stdout).toContain('--generators marked|all');
      expect(tsyncio(['help', command]).stdout).toBe(help.stdout);
      expect(tsyncio([command, '-h']).stdout).toBe(help.stdout);
    }
    expect(tsyncio(['emit', '--help']).stdout).toContain('--out-dir <dir>');
    expect(tsyncio(['compare', '--help']).stdout).toContain('--width <columns>');
  });

  it('--version is package.json’s', async () => {
    const { default: manifest } = await import('../../package.json', { with: { type: 'json' } });
    expect(tsyncio(['--version'])).toEqual({ status: 0, stdout: `${manifest.version}\n`, stderr: '' });
  });
});
