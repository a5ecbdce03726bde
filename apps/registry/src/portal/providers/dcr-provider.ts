/** A DCR provider as the admin API shows it: never the initial access token, only whether there is one. */
export interface DcrProvider {
  id: string;
  name: string;
  discovery_url: string;
  issuer: string;
  registration_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  has_initial_access_token: boolean;
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: string;
  scope: string | null;
  created_at: string;
  updated_at: string;
}
