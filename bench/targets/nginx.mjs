import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { commandExists, freePort, startProcess, waitForBody } from '../lib/processes.mjs';
import { TargetUnavailable } from '../lib/target.mjs';
import { benchCertificate } from '../lib/tls-certificate.mjs';
import { UPSTREAM_BODY } from '../lib/upstream-body.mjs';

/**
 * nginx as a reverse proxy: the physical limit on this machine. One worker; the master is started
 * under taskset, so the worker inherits the proxy core. Keep-alive to the upstream, like the others.
 */
function config(dir, port, upstream, tls = null) {
  return `daemon off;
master_process on;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  upstream bench_upstream {
    server ${upstream.host};
    keepalive 128;
    keepalive_timeout 60s;
  }
  server {
    listen 127.0.0.1:${port};${
      tls === null
        ? ''
        : `
    listen 127.0.0.1:${tls.port} ssl;
    ssl_certificate ${tls.certFile};
    ssl_certificate_key ${tls.keyFile};
    ssl_protocols TLSv1.2 TLSv1.3;`
    }
    keepalive_requests 1000000;
    location /bench/ {
      proxy_pass http://bench_upstream/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }
  }
}
`;
}

/** nginx (plain, or also terminating TLS on a second port with `tls` = {certFile, keyFile}). */
export function nginxTarget(name, description, withTls) {
  return {
    name,
    description,
    async start(ctx) {
      if (!commandExists('nginx')) throw new TargetUnavailable('nginx is not installed (apt-get install -y nginx-light)');
      const dir = join(ctx.tmpDir, name);
      await mkdir(dir, { recursive: true });
      const port = await freePort();
      const tls = withTls ? { ...(await benchCertificate(ctx.tmpDir)), port: await freePort() } : null;
      await writeFile(join(dir, 'nginx.conf'), config(dir, port, new URL(ctx.upstream.url), tls));
      // -e: the startup error log goes to our dir, not /var/log/nginx (absent or unwritable elsewhere).
      const proc = startProcess(name, 'nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], {
        cpu: ctx.proxyCpu,
      });
      const plainUrl = `http://127.0.0.1:${port}/bench/`;
      await waitForBody(plainUrl, UPSTREAM_BODY, { process: proc, timeoutMs: 10_000 });
      const url = tls === null ? plainUrl : `https://127.0.0.1:${tls.port}/bench/`;
      // SIGQUIT: graceful shutdown, the master takes its worker with it.
      return { url, ...(tls === null ? {} : { ca: tls.cert }), pid: proc.pid, stop: () => proc.stop('SIGQUIT') };
    },
  };
}

export default nginxTarget('nginx', "Debian's nginx-light reverse proxy, 1 worker, keepalive upstream", false);
