import { describe, expect, it } from 'vitest';
import { validateApiDefinition } from './api-definition.js';
import { readBodyTransforms } from './body-transforms.js';
import { jqCompileError } from './jq-check.js';

const at = 'version_data.versions.Default.extended_paths';

function withPaths(extendedPaths: Record<string, unknown>) {
  return {
    api_id: 'b',
    name: 'B',
    use_keyless: true,
    proxy: { listen_path: '/b/', target_url: 'http://u:1' },
    version_data: { not_versioned: true, versions: { Default: { name: 'Default', use_extended_paths: true, extended_paths: extendedPaths } } },
  };
}

function errorsOf(extendedPaths: Record<string, unknown>) {
  const result = validateApiDefinition(withPaths(extendedPaths));
  return result.ok ? [] : result.errors;
}

describe('jq programs are compiled when a definition is validated', () => {
  it("accepts Tyk's documented filter", () => {
    const filter = '{"body": (.body + {"TRANSFORMED-REQUEST-BY-JQ": true, path: ._tyk_context.path}), "rewrite_headers": {"X-added-rewrite-headers": "test"}}';
    expect(errorsOf({ transform_jq: [{ path: '/post', method: 'POST', filter }] })).toEqual([]);
  });

  it("refuses a syntax error and an unknown function, naming the entry's filter and jq's reason", () => {
    const errors = errorsOf({
      transform_jq: [{ path: '/a', method: 'POST', filter: '{body: (.body' }],
      transform_jq_response: [{ path: '/a', method: 'POST', filter: '{body: .body | nosuch}' }],
    });
    expect(errors).toEqual([
      { field: `${at}.transform_jq.0.filter`, message: expect.stringMatching(/^does not compile: syntax error/) },
      { field: `${at}.transform_jq_response.0.filter`, message: 'does not compile: nosuch/0 is not defined at line 1, column 16' },
    ]);
  });

  it('refuses a module import (there are no modules to load) and a comment cannot hide the rest', () => {
    expect(jqCompileError('import "x" as y; .')).toMatch(/syntax error/);
    expect(jqCompileError('.body # a comment')).toBeNull();
  });

  it('checks without running: a runaway program compiles at once', () => {
    const started = performance.now();
    expect(jqCompileError('def f: f; f')).toBeNull();
    expect(jqCompileError('[repeat(.)]')).toBeNull();
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('refuses entries that are not {path, method, filter}', () => {
    expect(errorsOf({ transform_jq: [{ path: '/a', method: 'POST' }, { path: '(', filter: '.' }, { path: '/a', method: 'P O', filter: '.' }, 'x'] })).toEqual([
      { field: `${at}.transform_jq.0.filter`, message: 'must be a non-empty string (a jq program)' },
      { field: `${at}.transform_jq.1.path`, message: 'is not a valid regular expression' },
      { field: `${at}.transform_jq.2.method`, message: 'must be an HTTP method' },
      { field: `${at}.transform_jq.3`, message: 'must be an object' },
    ]);
  });
});

describe('the context variables a jq filter sets (its tyk_context)', () => {
  const headers = { transform_headers: [{ path: '/post', method: 'POST', add_headers: { 'X-Device': '$tyk_context.deviceid' } }] };

  it('may be named in header values of a version with a jq request transform', () => {
    expect(errorsOf({ ...headers, transform_jq: [{ path: '/post', method: 'POST', filter: '{body: .body, tyk_context: {deviceid: .body.id}}' }] })).toEqual([]);
  });

  it('are refused by name where no jq request transform could set them', () => {
    const refused = { field: `${at}.transform_headers.0.add_headers.X-Device`, message: expect.stringMatching(/^not supported: \$tyk_context.deviceid/) };
    expect(errorsOf(headers)).toEqual([refused]);
    expect(errorsOf({ ...headers, transform_jq: [{ path: '/post', method: 'POST', filter: '.', disabled: true }] })).toEqual([refused]);
    expect(errorsOf({ ...headers, transform_jq_response: [{ path: '/post', method: 'POST', filter: '{body: .body}' }] })).toEqual([refused]);
  });
});

describe('portcullis_transform_jsonata', () => {
  it('accepts an expression and refuses one that does not compile, naming the field', () => {
    expect(errorsOf({ portcullis_transform_jsonata: [{ path: '/a', method: 'POST', expression: '{"id": orderId}' }] })).toEqual([]);
    expect(errorsOf({ portcullis_transform_jsonata_response: [{ path: '/a', expression: '{"id": }' }] })).toEqual([
      { field: `${at}.portcullis_transform_jsonata_response.0.expression`, message: expect.stringMatching(/^does not compile: .+ \(at character \d+\)$/) },
    ]);
  });
});

describe('input_type', () => {
  it('is "json" or "xml" for JSONata entries, and only "json" for jq ones', () => {
    expect(errorsOf({ portcullis_transform_jsonata: [{ path: '/a', expression: 'x', input_type: 'xml' }] })).toEqual([]);
    expect(
      errorsOf({
        portcullis_transform_jsonata: [{ path: '/a', expression: 'x', input_type: 'yaml' }],
        transform_jq: [{ path: '/a', filter: '.', input_type: 'xml' }],
      }),
    ).toEqual([
      { field: `${at}.transform_jq.0.input_type`, message: 'must be "json" (jq reads JSON)' },
      { field: `${at}.portcullis_transform_jsonata.0.input_type`, message: 'must be "json" or "xml"' },
    ]);
  });
});

describe('reading for the gateway', () => {
  it('keeps jq entries before JSONata ones, skips disabled entries, and compiles nothing', () => {
    const { value, errors } = readBodyTransforms(
      {
        extended_paths: {
          portcullis_transform_jsonata: [{ path: '/a', expression: 'x' }],
          transform_jq: [
            { path: '/a', method: 'post', filter: '.', disabled: true },
            { path: '/a/{id}', method: 'post', filter: 'not compiled (' },
          ],
        },
      },
      'v',
      false,
    );
    expect(errors).toEqual([]);
    expect(value.request.map((entry) => [entry.language, entry.method, entry.program])).toEqual([
      ['jq', 'POST', 'not compiled ('],
      ['jsonata', '', 'x'],
    ]);
    expect(value.request[0]!.pattern.test('/a/7')).toBe(true);
    expect(value.response).toEqual([]);
  });
});
