import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { terminalOutput } from './terminal-output.js';

describe('terminalOutput', () => {
  it('writes one human-readable line per entry, fields below it, secrets still censored', async () => {
    let text = '';
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString('utf8');
        done();
      },
    });
    const logger = createLogger('gateway', 'info', await terminalOutput({ colorize: false, destination }));
    logger.warn({ context: 'ConfigSync', api_id: 'orders', client_secret: 'hunter2-hunter2' }, 'snapshot late');

    const [first, ...rest] = text.trimEnd().split('\n');
    expect(first).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] WARN \(gateway\): ConfigSync: snapshot late$/);
    expect(rest.join('\n')).toContain('api_id: "orders"');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('{"level"');
  });
});
