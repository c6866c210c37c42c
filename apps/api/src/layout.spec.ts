import { readFileSync, readdirSync } from 'fs';
import { dirname, join, posix, relative, sep } from 'path';

/**
 * The layout STYLE.md describes: controllers and everything HTTP in apps/api, libs free of
 * Fastify and of HTTP decorators, and no import cycle between the folders of libs.
 */
const ROOT = join(__dirname, '..', '..', '..');
const LIBS = join(ROOT, 'libs');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

const libFiles = sources(LIBS);
/** The code of a file without its comments (which may well name an HTTP decorator). */
const code = (file: string) =>
  readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
const rel = (file: string) => relative(ROOT, file).split(sep).join(posix.sep);

/** The folder of libs a file belongs to (`libs/leads`), or null outside libs. */
function libFolder(file: string): string | null {
  const parts = rel(file).split('/');
  return parts[0] === 'libs' ? `libs/${parts[1]}` : null;
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)].map((m) => join(dirname(file), m[1]));
}

/** Strongly connected components of more than one folder (Tarjan). */
function folderCycles(edges: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

describe('layout', () => {
  it('keeps controllers out of libs', () => {
    expect(libFiles.filter((f) => f.endsWith('.controller.ts')).map(rel)).toEqual([]);
  });

  it('keeps Fastify and HTTP decorators, guards, interceptors and filters out of libs', () => {
    const http =
      /from '(fastify|@fastify\/[^']+|@nestjs\/platform-fastify|@bull-board\/fastify)'|@(Controller|Get|Post|Put|Patch|Delete|Req|Res|Body|Param|Query|Headers|HttpCode|Header|Sse|UseGuards|UseInterceptors|UseFilters|UsePipes)\(|\b(createParamDecorator|CanActivate|NestInterceptor|ExceptionFilter|ValidationPipe|ApiResponse|ApiOkResponse)\b/;
    expect(libFiles.filter((f) => http.test(code(f))).map(rel)).toEqual([]);
  });

  it('never imports apps from libs', () => {
    const offenders = libFiles.filter((f) => relativeImports(f).some((target) => rel(target).startsWith('apps/')));
    expect(offenders.map(rel)).toEqual([]);
  });

  it('has no import cycle between folders of libs', () => {
    const edges = new Map<string, Set<string>>();
    for (const file of libFiles) {
      const from = libFolder(file)!;
      for (const target of relativeImports(file)) {
        const to = libFolder(target);
        if (to && to !== from) edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }
    expect(folderCycles(edges)).toEqual([]);
  });
});
