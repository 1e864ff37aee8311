import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

interface RouteBudget {
  /** The route's name, for the build's output. */
  route: string;
  /** The route's lazily loaded page module, as its path ends (e.g. `src/watch/watch.page.tsx`). */
  page: string;
  /** At most this much gzipped JavaScript before the route shows anything. */
  maxGzipBytes: number;
}

/**
 * Fails the build when a route's first load grows past its budget: the entry chunk, the route's
 * page chunk and every chunk either imports statically (what the browser fetches before the page
 * renders), each gzipped at level 9. The watch route is the one people open from a shared link
 * on a phone, so its budget is the one that matters (issue 14: 300 kB).
 */
export function routeBudget(budget: RouteBudget): Plugin {
  return {
    name: 'onair-route-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = new Map<string, { code: string; imports: string[] }>();
      let entry: string | undefined;
      let page: string | undefined;
      for (const out of Object.values(bundle)) {
        if (out.type !== 'chunk') continue;
        chunks.set(out.fileName, { code: out.code, imports: out.imports });
        if (out.isEntry) entry = out.fileName;
        if (out.facadeModuleId?.endsWith(budget.page)) page = out.fileName;
      }
      if (!entry || !page) return this.error(`route budget: no entry chunk or no chunk for ${budget.page}`);
      const loaded = new Set<string>();
      const visit = (file: string) => {
        if (loaded.has(file)) return;
        loaded.add(file);
        for (const next of chunks.get(file)?.imports ?? []) visit(next);
      };
      visit(entry);
      visit(page);
      const bytes = [...loaded].reduce((sum, file) => sum + gzipSync(chunks.get(file)?.code ?? '', { level: 9 }).length, 0);
      const line = `${budget.route} route first load: ${(bytes / 1000).toFixed(1)} kB of gzipped JavaScript in ${loaded.size} files (budget ${budget.maxGzipBytes / 1000} kB)`;
      if (bytes > budget.maxGzipBytes) return this.error(line);
      console.log(line);
    },
  };
}
