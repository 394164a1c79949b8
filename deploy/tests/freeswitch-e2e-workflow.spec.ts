import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { workspaceRoot } from './chart-files';

// What can be checked of the forge job (.github/workflows/freeswitch-e2e.yml) without a
// forge, FreeSWITCH or sipp: the file parses, every script and file it names exists, every
// sipp scenario is well-formed XML whose jumps land on labels, and the job runs the whole
// e2e project against FreeSWITCH. (Which customer each sipp port plays, against the e2e
// fixtures: apps/e2e/src/freeswitch-e2e.int-spec.ts.)

const WORKFLOW = '.github/workflows/freeswitch-e2e.yml';
const SIPP_DIR = 'deploy/freeswitch/sipp';

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
}
const text = readFileSync(join(workspaceRoot, WORKFLOW), 'utf8');
const workflow = parse(text, { uniqueKeys: true }) as {
  jobs: Record<string, { steps: Step[] }>;
};
const steps = workflow.jobs['freeswitch-e2e']!.steps;
const runs = steps.map((s) => s.run ?? '').join('\n');

/**
 * Why an XML document is not well-formed (undefined when it is): one root element, every
 * tag closed in order, attributes quoted, no stray `<` or `&` in text. CDATA sections and
 * comments (where sipp keeps its SIP messages and our notes) are opaque.
 */
function xmlProblem(xml: string): string | undefined {
  let rest = xml.replace(/^\uFEFF?\s*<\?xml[^?]*\?>/, '');
  rest = rest.replace(/<!DOCTYPE[^>[]*(\[[^\]]*\])?\s*>/, '');
  if (/<!\[CDATA\[(?![\s\S]*?\]\]>)/.test(rest)) return 'a CDATA section is never closed';
  if (/<!--(?![\s\S]*?-->)/.test(rest)) return 'a comment is never closed';
  rest = rest.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '').replace(/<!--[\s\S]*?-->/g, '');
  const tag = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/g;
  const stack: string[] = [];
  let roots = 0;
  let at = 0;
  for (const m of rest.matchAll(tag)) {
    const between = rest.slice(at, m.index);
    if (/[<>]/.test(between) || /&(?!(?:[a-z]+|#\d+|#x[\da-f]+);)/i.test(between))
      return `stray markup before <${m[1]}${m[2]}>: ${between.trim().slice(0, 40)}`;
    if (stack.length === 0 && between.trim() !== '') return `text outside the root: ${between.trim()}`;
    at = m.index + m[0].length;
    const [, close, name, , selfClose] = m;
    if (close) {
      if (stack.pop() !== name) return `</${name}> closes what is not open`;
      continue;
    }
    if (stack.length === 0) roots++;
    if (!selfClose) stack.push(name!);
  }
  const tail = rest.slice(at);
  if (/[<>]/.test(tail) || tail.trim() !== '') return `stray text at the end: ${tail.trim().slice(0, 40)}`;
  if (stack.length > 0) return `<${stack.join('><')}> never closed`;
  if (roots !== 1) return `${roots} root elements`;
  return undefined;
}

describe('xmlProblem (the checker itself)', () => {
  it.each([
    ['<a><b x="1"/><![CDATA[<not a tag> & more]]></a>', undefined],
    ['<?xml version="1.0"?>\n<!DOCTYPE scenario SYSTEM "sipp.dtd">\n<a>&amp;</a>', undefined],
    ['<a><b></a></b>', '</a> closes what is not open'],
    ['<a><b></a>', '</a> closes what is not open'],
    ['<a></a><a></a>', '2 root elements'],
    ['<a x=1></a>', 'stray markup before </a>: <a x=1>'],
    ['<a>AT&T</a>', 'stray markup before </a>: AT&T'],
    ['<a><![CDATA[ never closed </a>', 'a CDATA section is never closed'],
  ])('%s: %s', (xml, problem) => {
    expect(xmlProblem(xml)).toBe(problem);
  });
});

describe('the forge job (.github/workflows/freeswitch-e2e.yml), read here', () => {
  const scenariosStarted = [...text.matchAll(/deploy\/freeswitch\/sipp\/([\w-]+)\.xml/g)].map((m) => m[1]!);
  const shipped = readdirSync(join(workspaceRoot, SIPP_DIR))
    .filter((f) => f.endsWith('.xml'))
    .map((f) => f.replace(/\.xml$/, ''))
    .sort();

  it('starts every sipp scenario that is shipped and only those', () => {
    expect([...new Set(scenariosStarted)].sort()).toEqual(shipped);
  });

  it.each(shipped)('sipp/%s.xml is a well-formed sipp scenario whose jumps all land on a label', (name) => {
    const xml = readFileSync(join(workspaceRoot, SIPP_DIR, `${name}.xml`), 'utf8');
    expect(xmlProblem(xml)).toBeUndefined();
    const body = xml.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '').replace(/<!--[\s\S]*?-->/g, '');
    expect(body).toMatch(/^\s*(<\?xml[^?]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?<scenario[\s>]/);
    const labels = new Set([...body.matchAll(/<label\s+id="([^"]+)"/g)].map((m) => m[1]));
    const jumps = [...body.matchAll(/\b(?:next|ontimeout)="([^"]+)"/g)].map((m) => m[1]);
    expect(jumps.filter((j) => !labels.has(j))).toEqual([]);
    // Every message sipp sends is a whole SIP message: a start line, then Content-Length.
    for (const [, message] of xml.matchAll(/<send[^>]*>\s*<!\[CDATA\[([\s\S]*?)\]\]>/g))
      expect(message).toMatch(/Content-Length:/i);
  });

  it('names only repository paths that exist', () => {
    const paths = [
      ...new Set(
        [...text.matchAll(/(?<![\w/$.-])((?:deploy|apps|scripts|libs)\/[\w./-]*[\w-])/g)].map((m) => m[1]!),
      ),
    ];
    expect(paths).toEqual(expect.arrayContaining(['scripts/setup', 'apps/e2e/jest.integration.config.cjs']));
    expect(paths.filter((p) => !existsSync(join(workspaceRoot, p)))).toEqual([]);
  });

  it('runs the whole e2e project once, in band, against the FreeSWITCH node (not one spec)', () => {
    const e2e = steps.filter((s) => /\bjest\b/.test(s.run ?? ''));
    expect(e2e).toHaveLength(1);
    expect(e2e[0]!.run!.trim()).toBe('npx jest -c apps/e2e/jest.integration.config.cjs --runInBand');
    expect(e2e[0]!.env?.['ATS_E2E_FS_NODES']).toMatch(/^fs1=127\.0\.0\.1:8021:/);
    // scripts/setup runs before the suite, FreeSWITCH and sipp before it.
    const index = (pattern: RegExp) => steps.findIndex((s) => pattern.test(s.run ?? ''));
    expect(index(/docker run -d --name freeswitch/)).toBeLessThan(index(/bash scripts\/setup/));
    expect(index(/sipp -sf/)).toBeLessThan(index(/bash scripts\/setup/));
    expect(index(/bash scripts\/setup/)).toBeLessThan(steps.indexOf(e2e[0]!));
    expect(runs).toContain('sipp -v');
  });
});
