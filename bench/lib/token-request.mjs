/** HTTP Basic client authentication (RFC 6749 §2.3.1: id and secret form-urlencoded before base64). */
export function basicAuthorization(clientId, clientSecret) {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;
}

/** The token request every token target gets: client_credentials with HTTP Basic client authentication. */
export function clientCredentialsRequest(clientId, clientSecret) {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: basicAuthorization(clientId, clientSecret) },
    body: 'grant_type=client_credentials',
  };
}
