/**
 * The token request every token target gets: client_credentials with HTTP Basic client
 * authentication (RFC 6749 §2.3.1: id and secret form-urlencoded before base64).
 */
export function clientCredentialsRequest(clientId, clientSecret) {
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${basic}` },
    body: 'grant_type=client_credentials',
  };
}
