import { nginxTarget } from './nginx.mjs';

/** nginx terminating TLS with the bench's certificate (the same as portcullis-tls), keep-alive. */
export default nginxTarget('nginx-tls', "Debian's nginx-light terminating TLS (same certificate as portcullis-tls), 1 worker, keepalive upstream", true);
