import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ControllerRoute {
  method: string;
  /** As declared, e.g. `/admin/apis/:id`. */
  declared: string;
  /** With every parameter filled in, ready to request. */
  path: string;
}

const joinPaths = (...parts: string[]) =>
  `/${parts
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`;
const asList = (value: string | string[] | undefined): string[] => (value === undefined ? [''] : Array.isArray(value) ? value : [value]);

/**
 * Every HTTP route declared by the Nest controllers under `sourceDir` (all `*.controller.ts` files,
 * found on disk) whose path starts with `prefix`. Read from the decorators rather than listed by
 * hand, so a controller added later is covered by the tests that walk these routes.
 */
export async function controllerRoutes(sourceDir: URL, prefix: string): Promise<ControllerRoute[]> {
  const root = fileURLToPath(sourceDir);
  const files = (readdirSync(root, { recursive: true }) as string[]).filter((file) => file.endsWith('.controller.ts'));
  const routes: ControllerRoute[] = [];
  for (const file of files.sort()) {
    const exported = (await import(join(root, file))) as Record<string, unknown>;
    for (const candidate of Object.values(exported)) {
      if (typeof candidate !== 'function') continue;
      const base = Reflect.getMetadata(PATH_METADATA, candidate) as string | string[] | undefined;
      if (base === undefined) continue;
      const prototype = candidate.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        // A handler is a method; an accessor (a getter) is no route, and reading it off the prototype would run it.
        const handler = Object.getOwnPropertyDescriptor(prototype, name)?.value as unknown;
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        for (const outer of asList(base)) {
          for (const inner of asList(Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined)) {
            const declared = joinPaths(outer, inner);
            if (!declared.startsWith(prefix)) continue;
            const path = declared.replace(/:(\w+)/g, 'no-such-$1').replace(/\*(\w+)/g, 'no-such-$1');
            // ALL (a catch-all) is walked with the methods that carry a body and those that do not.
            const methods = method === RequestMethod.ALL ? ['GET', 'POST', 'PUT', 'DELETE'] : [RequestMethod[method]];
            for (const verb of methods) routes.push({ method: verb, declared, path });
          }
        }
      }
    }
  }
  return routes;
}
