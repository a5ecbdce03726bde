/**
 * The introspection group's request and check: RFC 7662 `POST` of one access token, the client
 * authenticated with HTTP Basic (as the token request, RFC 6749 §2.3.1), and an answer accepted only
 * when it says that very token is active for the right client (and subject, when one is expected).
 */
export function introspectionRequest(authorization, token) {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: authorization },
    body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
  };
}

/** A token endpoint's answer, as the introspect targets get the token they then introspect. */
export async function issueToken(url, request) {
  const response = await fetch(url, { ...request, signal: AbortSignal.timeout(10_000) });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${body.slice(0, 200)}`);
  const token = JSON.parse(body).access_token;
  if (typeof token !== 'string') throw new Error(`${url} answered without an access_token: ${body.slice(0, 200)}`);
  return token;
}

/** `expected`: the fields the answer must carry with exactly these values (`active: true` always). */
export function activeIntrospection(expected) {
  return ({ status, body }) => {
    const wrong = (why) => `answered ${status} ${JSON.stringify(body.slice(0, 200))}: ${why}`;
    if (status !== 200) return wrong('not 200');
    let answer;
    try {
      answer = JSON.parse(body);
    } catch {
      return wrong('not JSON');
    }
    if (answer.active !== true) return wrong('not active');
    for (const [field, value] of Object.entries(expected)) {
      if (answer[field] !== value) return wrong(`${field} is not ${JSON.stringify(value)}`);
    }
    return null;
  };
}
