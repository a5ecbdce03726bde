/**
 * The shell examples of the README and docs/*.md, as the docs test runs and checks them. The rules
 * (CONTRIBUTING.md, "Docs are tested"):
 * - every ```sh, ```bash and ```console block runs, in page order, unless the line before its fence
 *   is `<!-- not-run: reason -->`;
 * - a command's shown output is its trailing comment (`cmd  # output`) and the `# ...` lines right
 *   after it; a parenthesised remark at the end of such a line (after two spaces), or a line that is
 *   only a remark, is prose and not checked;
 * - shown output matches when, whitespace aside, it equals what the command printed, where `...`
 *   (with any letters, digits, `-` or `_` right before it, an illustrative prefix) stands for any text;
 * - shown output starting with an HTTP status line (`curl -i`) is a response: the status line must be
 *   the same, every header shown must be among those received (name in any case, value matched as
 *   above) and the lines after the headers match the body as above;
 * - a command with no shown output must exit 0 and must not print an error body (`"error":"`).
 */

export interface DocBlock {
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  notRun: string | null;
}

export interface DocPage {
  blocks: DocBlock[];
  /** `<!-- test-provides: what -->` markers: services the test starts for this page. */
  provides: string[];
}

const runnable = new Set(['sh', 'bash', 'console']);

export function parsePage(markdown: string): DocPage {
  const lines = markdown.split('\n');
  const blocks: DocBlock[] = [];
  const provides: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const provided = /^<!--\s*test-provides:\s*(.*?)\s*-->$/.exec(lines[i]!.trim());
    if (provided) provides.push(provided[1]!);
    const fence = /^(`{3,})\s*([\w-]*)/.exec(lines[i]!);
    if (!fence) continue;
    const close = lines.findIndex((l, j) => j > i && l.trim() === fence[1]);
    if (close < 0) throw new Error(`line ${i + 1}: unclosed code fence`);
    const lang = fence[2]!;
    if (runnable.has(lang)) {
      let before = i - 1;
      while (before >= 0 && lines[before]!.trim() === '') before--;
      const marker = before >= 0 ? /^<!--\s*not-run:\s*(.*?)\s*-->$/.exec(lines[before]!.trim()) : null;
      blocks.push({ line: i + 1, lang, code: lines.slice(i + 1, close).join('\n'), notRun: marker ? marker[1]! : null });
    }
    i = close;
  }
  return { blocks, provides };
}

export interface DocCommand {
  /** The command as printed (continuation lines included). */
  text: string;
  /** 1-based line within the block. */
  line: number;
  /** The output the docs show, one entry per line (remarks removed); null when none is shown. */
  shown: string[] | null;
}

/** Splits a block into commands, following quotes and `\` continuations, with the output each shows. */
export function splitCommands(code: string): DocCommand[] {
  const commands: DocCommand[] = [];
  let current: { lines: string[]; line: number; inline: string | null } | null = null;
  let single = false;
  let double = false;
  let last: DocCommand | null = null;
  const lines = code.split('\n');
  lines.forEach((raw, index) => {
    if (!current && raw.trim().startsWith('#')) {
      // A comment line between commands: output shown for the command above it.
      if (last) (last.shown ??= []).push(raw.trim().replace(/^#\s?/, ''));
      return;
    }
    if (!current && raw.trim() === '') {
      last = null;
      return;
    }
    current ??= { lines: [], line: index + 1, inline: null };
    let inline: string | null = null;
    for (let c = 0; c < raw.length; c++) {
      const ch = raw[c]!;
      if (single) {
        if (ch === "'") single = false;
      } else if (ch === '\\') {
        c++;
      } else if (double) {
        if (ch === '"') double = false;
      } else if (ch === "'") single = true;
      else if (ch === '"') double = true;
      else if (ch === '#' && (c === 0 || /\s/.test(raw[c - 1]!))) {
        inline = raw.slice(c + 1).trim();
        break;
      }
    }
    current.lines.push(raw);
    if (inline !== null) current.inline = inline;
    const continues = single || double || (inline === null && raw.endsWith('\\'));
    if (!continues) {
      last = { text: current.lines.join('\n'), line: current.line, shown: current.inline === null ? null : [current.inline] };
      commands.push(last);
      current = null;
    }
  });
  if (current) throw new Error('the block ends inside a command (an open quote or a trailing backslash)');
  return commands.map((command) => ({ ...command, shown: command.shown === null ? null : withoutRemarks(command.shown) }));
}

function withoutRemarks(lines: string[]): string[] {
  return lines
    .map((line) =>
      line
        .replace(/^\(.*\)$/, '')
        .replace(/\s{2,}\(.*\)$/, '')
        .trim(),
    )
    .filter((line) => line !== '');
}

/** `...` with its illustrative prefix: any text. */
const elision = /[A-Za-z0-9_-]*\.\.\./;

function elidedPattern(shown: string): RegExp {
  const pieces = shown.replace(/\s+/g, '').split(elision);
  return new RegExp(`^${pieces.map((piece) => piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*?')}$`);
}

function elidedMatch(shown: string, actual: string): boolean {
  return elidedPattern(shown).test(actual.replace(/\s+/g, ''));
}

/** null when the output matches what the docs show, else what differs. */
export function compareOutput(shown: string[], actual: string): string | null {
  const status = /^HTTP\/[\d.]+ \d{3}/;
  if (shown.length > 0 && status.test(shown[0]!)) {
    const [head, ...rest] = actual.replace(/\r/g, '').split('\n\n');
    const [statusLine, ...headerLines] = (head ?? '').split('\n');
    if (statusLine!.trim() !== shown[0]!.trim()) return `status line: expected "${shown[0]}", got "${statusLine}"`;
    const received = headerLines.map((line) => {
      const colon = line.indexOf(':');
      return { name: line.slice(0, colon).toLowerCase(), value: line.slice(colon + 1).trim() };
    });
    let i = 1;
    for (; i < shown.length && /^[A-Za-z0-9-]+: /.test(shown[i]!); i++) {
      const colon = shown[i]!.indexOf(':');
      const name = shown[i]!.slice(0, colon).toLowerCase();
      const value = shown[i]!.slice(colon + 1).trim();
      if (!received.some((header) => header.name === name && elidedMatch(value, header.value))) {
        const got = received.filter((header) => header.name === name).map((header) => header.value);
        return `header ${shown[i]}: got ${got.length ? got.join(', ') : 'none'}`;
      }
    }
    const body = rest.join('\n\n');
    const shownBody = shown.slice(i).join('\n');
    return elidedMatch(shownBody, body) ? null : `body: expected ${shownBody}, got ${body}`;
  }
  const expected = shown.join('\n');
  return elidedMatch(expected, actual) ? null : `expected ${expected}, got ${actual.trim()}`;
}

/** The block as one bash script that prints a marker, with the exit status, after each command. */
export function instrument(commands: DocCommand[], stateFile: string): string {
  const parts = ['set -a', `[ -f ${stateFile} ] && . ./${stateFile}`];
  commands.forEach((command, index) => {
    parts.push(command.text, `printf '\\n\\036%d %d\\036\\n' ${index} $?`);
  });
  parts.push(`export -p > ${stateFile}`);
  return parts.join('\n') + '\n';
}

/** The record separator (0x1E, octal 036 in the printf above) that brackets each command's status line. */
const RS = String.fromCharCode(0x1e);

/** Splits an instrumented run's stdout into each command's output and exit status. */
export function outputsOf(stdout: string): { output: string; status: number }[] {
  const results: { output: string; status: number }[] = [];
  const marker = new RegExp(String.raw`\n${RS}(\d+) (\d+)${RS}\n`, 'g');
  let from = 0;
  for (let match = marker.exec(stdout); match; match = marker.exec(stdout)) {
    results[Number(match[1])] = { output: stdout.slice(from, match.index), status: Number(match[2]) };
    from = match.index + match[0].length;
  }
  return results;
}
