import { describe, expect, it } from 'vitest';
import { compareOutput, outputsOf, parsePage, splitCommands } from './examples.js';

describe('the docs examples: how a page is read', () => {
  it('finds sh, bash and console blocks in order, with their not-run marker, and skips other fences', () => {
    const page = parsePage(
      [
        '```sh',
        'echo 1',
        '```',
        '```json',
        '{}',
        '```',
        '<!-- not-run: needs Docker -->',
        '',
        '```bash',
        'docker compose up',
        '```',
        '<!-- test-provides: oidc-provider -->',
        '```console',
        'echo 2',
        '```',
      ].join('\n'),
    );
    expect(page.blocks.map((b) => [b.line, b.lang, b.code, b.notRun])).toEqual([
      [1, 'sh', 'echo 1', null],
      [9, 'bash', 'docker compose up', 'needs Docker'],
      [13, 'console', 'echo 2', null],
    ]);
    expect(page.provides).toEqual(['oidc-provider']);
  });

  it('splits commands at line ends outside quotes and continuations, with the output each shows', () => {
    const commands = splitCommands(
      [
        'curl -s -X POST x \\',
        '  -d \'{"a":1,',
        '       "b":2}\'',
        '# {"ok":true}   (a remark)',
        'A=1 B="x # not a comment"',
        'curl -s y    # {"status":"ok"}',
        'grep z   # (nothing: a miss)',
        'echo done',
      ].join('\n'),
    );
    expect(commands.map((c) => [c.line, c.shown])).toEqual([
      [1, ['{"ok":true}']],
      [5, null],
      [6, ['{"status":"ok"}']],
      [7, []],
      [8, null],
    ]);
    expect(commands[0]!.text.split('\n')).toHaveLength(3);
  });
});

describe('the docs examples: how output is matched', () => {
  it('matches JSON whitespace aside, with ... (and its illustrative prefix) as any text', () => {
    expect(
      compareOutput(
        ['{"client_id":"830c...","secret":"n7o5...",', ' "api_id":"openApi",...}'],
        '{"client_id":"ab12","secret":"zz","api_id":"openApi","x":1}\n',
      ),
    ).toBeNull();
    expect(compareOutput(['{"api_id":"openApi",...}'], '{"api_id":"other","x":1}')).toMatch(/expected/);
    expect(compareOutput(['{"a":1}'], '{"a":1,"b":2}')).toMatch(/expected/);
    expect(compareOutput([], '')).toBeNull();
    expect(compareOutput([], 'something')).toMatch(/expected/);
  });

  it('matches a response by its status line, the headers shown and the body', () => {
    const actual = 'HTTP/1.1 429 Too Many Requests\r\nRetry-After: 20\r\ncontent-type: application/json\r\n\r\n{"error":"rate_limited"}';
    expect(compareOutput(['HTTP/1.1 429 Too Many Requests', 'retry-after: 20', '{"error":"rate_limited"}'], actual)).toBeNull();
    expect(compareOutput(['HTTP/1.1 200 OK', '{"error":"rate_limited"}'], actual)).toMatch(/status line/);
    expect(compareOutput(['HTTP/1.1 429 Too Many Requests', 'Retry-After: 5', '{"error":"rate_limited"}'], actual)).toMatch(/header/);
    expect(compareOutput(['HTTP/1.1 429 Too Many Requests', 'X-Missing: 1', '{"error":"rate_limited"}'], actual)).toMatch(/header/);
    expect(compareOutput(['HTTP/1.1 429 Too Many Requests', '{"error":"other"}'], actual)).toMatch(/body/);
  });

  it('reads each command output and exit status from the markers', () => {
    expect(outputsOf('a\n\x1e0 0\x1e\n\n\x1e1 7\x1e\n')).toEqual([
      { output: 'a', status: 0 },
      { output: '', status: 7 },
    ]);
  });
});
