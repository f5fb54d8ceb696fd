/**
 * The API report: every name each public entry point exports, with its kind and
 * signature, one file per entry point under `api/`. A change to the public API
 * then shows up as a diff of these files in review, and CI fails when the
 * source changed but the report did not: a change to the surface is a decision,
 * never an accident.
 *
 *   tsx scripts/api-report.ts           rewrite api/*.api.md   (npm run api:update)
 *   tsx scripts/api-report.ts --check   exit 1 with a summary when a report is stale (npm run api:check)
 *
 * Why our own script and not api-extractor: api-extractor reads one rolled-up
 * .d.ts per entry point and wants a config file per entry, i.e. a declaration
 * build first plus eight configs for our eight subpaths; it also rolls up .d.ts
 * files and checks TSDoc, which we do not need (typedoc already builds the docs
 * with warnings as errors). All we want is names and signatures, which the
 * TypeScript compiler API (already a devDependency) gives straight from src/ in
 * one short file, with no new dependency and no build step.
 *
 * What is shown: classes with their public and protected members (private and
 * `#private` ones and `@internal` members left out), functions with every
 * overload, interfaces, type aliases and enums as written (comments dropped),
 * consts and lets with their type, inferred types in full.
 *
 * Entry points come from package.json "exports" (subpath -> dist file) and
 * tsup.config.ts "entry" (dist file -> source file), so a new subpath cannot be
 * forgotten. The output is stable across machines and unrelated edits: no
 * absolute paths, names and members sorted, union members sorted, types printed
 * by the compiler's own printer without truncation.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const API_DIR = join(root, 'api');
const SUFFIX = '.api.md';

/** One public entry point: its import specifier, its report file and its source. */
interface EntryPoint {
  specifier: string;
  report: string;
  source: string;
}

/** The `entry` object of tsup.config.ts (dist name -> source), read from its syntax tree, never executed. */
function tsupEntries(): Map<string, string> {
  const file = ts.createSourceFile('tsup.config.ts', readFileSync(join(root, 'tsup.config.ts'), 'utf8'), ts.ScriptTarget.Latest);
  const entries = new Map<string, string>();
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAssignment(node) && node.name.getText(file) === 'entry' && ts.isObjectLiteralExpression(node.initializer)) {
      for (const prop of node.initializer.properties) {
        if (!ts.isPropertyAssignment(prop) || !ts.isStringLiteral(prop.initializer)) {
          throw new Error(`tsup.config.ts: entry '${prop.getText(file)}' is not "name: 'path'"`);
        }
        entries.set(prop.name.getText(file).replace(/^['"]|['"]$/g, ''), prop.initializer.text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  if (entries.size === 0) throw new Error('tsup.config.ts: no entry object found');
  return entries;
}

/** package.json "exports" joined with tsup's entries. */
function entryPoints(): EntryPoint[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, string | { import?: { types?: string } }>;
  };
  const sources = tsupEntries();
  const result: EntryPoint[] = [];
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (typeof target === 'string') continue; // ./package.json
    const types = target.import?.types;
    const name = types?.match(/^\.\/dist\/(.+)\.d\.ts$/)?.[1];
    const source = name === undefined ? undefined : sources.get(name);
    if (name === undefined || source === undefined) {
      throw new Error(`package.json exports['${subpath}']: no tsup entry for its types file ${types ?? '(none)'}`);
    }
    result.push({ specifier: pkg.name + subpath.slice(1), report: name + SUFFIX, source });
  }
  return result;
}

/** Reads tsconfig.json so the report sees the same compiler options as `tsc` does. */
function createProgram(files: string[]): ts.Program {
  const configPath = join(root, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root, undefined, configPath);
  return ts.createProgram(
    files.map((f) => join(root, f)),
    parsed.options,
  );
}

// Multi-line object types keep wide `as const` tables reviewable line by line.
const BUILDER_FLAGS = ts.NodeBuilderFlags.NoTruncation | ts.NodeBuilderFlags.MultilineObjectLiterals | ts.NodeBuilderFlags.IgnoreErrors;
const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });
const scratch = ts.createSourceFile('api.ts', '', ts.ScriptTarget.Latest);

/** Renders the public surface of one module symbol. */
class Reporter {
  readonly #checker: ts.TypeChecker;

  constructor(checker: ts.TypeChecker) {
    this.#checker = checker;
  }

  /** Every exported name of `file` with its rendered declarations and its primary kind. */
  exportsOf(file: ts.SourceFile): { name: string; kind: string; text: string }[] {
    const moduleSymbol = this.#checker.getSymbolAtLocation(file);
    if (moduleSymbol === undefined) return [];
    return this.#checker
      .getExportsOfModule(moduleSymbol)
      .map((exported) => {
        const name = exported.getName();
        const symbol = exported.flags & ts.SymbolFlags.Alias ? this.#checker.getAliasedSymbol(exported) : exported;
        const parts = this.#render(name, symbol);
        // A name can be both a value and a type (our enums: an `as const` object plus its union type).
        const kind = parts.map((p) => p.kind).join('+') || 'unknown';
        return { name, kind, text: parts.map((p) => p.text).join('\n') };
      })
      .sort((a, b) => compare(a.name, b.name));
  }

  /** One block per kind of declaration behind the name (a const and a type may share one). */
  #render(name: string, symbol: ts.Symbol): { kind: string; text: string }[] {
    const decls = symbol.getDeclarations() ?? [];
    const parts: { kind: string; text: string; order: number }[] = [];
    const add = (order: number, kind: string, text: string, decl: ts.Declaration | undefined): void => {
      const deprecated = decl !== undefined && ts.getJSDocDeprecatedTag(decl) !== undefined ? '/** @deprecated */\n' : '';
      if (!parts.some((p) => p.kind === kind)) parts.push({ kind, text: deprecated + text, order });
    };
    for (const decl of decls) {
      if (ts.isClassDeclaration(decl)) add(0, 'class', this.#class(name, symbol, decl), decl);
      else if (ts.isInterfaceDeclaration(decl)) add(1, 'interface', reprint(name, decls.filter(ts.isInterfaceDeclaration)), decl);
      else if (ts.isTypeAliasDeclaration(decl)) add(2, 'type', reprint(name, [decl]), decl);
      else if (ts.isEnumDeclaration(decl)) add(3, 'enum', reprint(name, decls.filter(ts.isEnumDeclaration)), decl);
      else if (ts.isFunctionDeclaration(decl)) add(4, 'function', this.#function(name, symbol), decl);
      else if (ts.isVariableDeclaration(decl)) add(5, variableKeyword(decl), this.#variable(name, symbol, decl), decl);
      else if (ts.isModuleDeclaration(decl) || ts.isSourceFile(decl)) add(6, 'namespace', this.#namespace(name, symbol), undefined);
      else add(7, ts.SyntaxKind[decl.kind], `${ts.SyntaxKind[decl.kind]} ${name}`, decl);
    }
    return parts.sort((a, b) => a.order - b.order);
  }

  #type(type: ts.Type, at?: ts.Node): string {
    const node = this.#checker.typeToTypeNode(type, at, BUILDER_FLAGS);
    return node === undefined ? this.#checker.typeToString(type) : print(sortUnions(node));
  }

  /** `name(params): ret;` for each call signature, `kind` choosing the declaration shape. */
  #signatures(prefix: string, sigs: readonly ts.Signature[], kind: ts.SignatureDeclaration['kind']): string[] {
    return sigs.map((sig) => {
      // Printed from the declaration's own scope, so annotations written there (`SnapshotFrom<typeof vmMachine>`)
      // are kept as written instead of expanded.
      const node = this.#checker.signatureToSignatureDeclaration(sig, kind, sig.getDeclaration(), BUILDER_FLAGS);
      if (node === undefined) return `${prefix}${this.#checker.signatureToString(sig)};`;
      // The builder leaves the name out; print "(…): R;" and put ours in front.
      const text = print(sortUnions(node)).replace(/^(function\s*|constructor\s*)?/, '');
      return `${prefix}${text.endsWith(';') ? text : `${text};`}`;
    });
  }

  #function(name: string, symbol: ts.Symbol): string {
    const sigs = this.#checker.getTypeOfSymbol(symbol).getCallSignatures();
    return this.#signatures(`function ${name}`, sigs, ts.SyntaxKind.FunctionDeclaration).join('\n');
  }

  #variable(name: string, symbol: ts.Symbol, decl: ts.VariableDeclaration): string {
    return `${variableKeyword(decl)} ${name}: ${this.#type(this.#checker.getTypeOfSymbol(symbol), decl)};`;
  }

  #namespace(name: string, symbol: ts.Symbol): string {
    const names = this.#checker
      .getExportsOfModule(symbol)
      .map((s) => s.getName())
      .sort(compare);
    return `namespace ${name} { ${names.join(', ')} }`;
  }

  /** The class header as written, then its public and protected members, sorted (constructor first). */
  #class(name: string, symbol: ts.Symbol, decl: ts.ClassDeclaration): string {
    const abstract = ts.getCombinedModifierFlags(decl) & ts.ModifierFlags.Abstract ? 'abstract ' : '';
    const typeParams = decl.typeParameters ? `<${decl.typeParameters.map((p) => print(p, p.getSourceFile())).join(', ')}>` : '';
    const heritage = (decl.heritageClauses ?? []).map((h) => ` ${print(h, h.getSourceFile()).trim()}`).join('');
    const members: { key: string; text: string }[] = [];
    for (const member of decl.members) {
      if (ts.isConstructorDeclaration(member)) {
        for (const param of member.parameters) {
          if (ts.isParameterPropertyDeclaration(param, member) && isVisible(param)) members.push(this.#member(param));
        }
      } else if (!ts.isClassStaticBlockDeclaration(member) && !ts.isSemicolonClassElement(member) && isVisible(member)) {
        members.push(this.#member(member));
      }
    }
    // Sorted by static-ness, then name, then text: moving a member in the source is not an API change.
    const sorted = [...new Set(members.sort((a, b) => compare(a.key, b.key) || compare(a.text, b.text)).map((m) => m.text))];
    const body = [...this.#constructors(symbol, decl), ...sorted].map((m) => indent(m)).join('\n');
    return `${abstract}class ${name}${typeParams}${heritage} {\n${body}\n}`;
  }

  /** A private constructor is shown as such (users cannot call it: the class has a factory instead). */
  #constructors(symbol: ts.Symbol, decl: ts.ClassDeclaration): string[] {
    const declared = decl.members.filter(ts.isConstructorDeclaration);
    const flags = declared.reduce((all, c) => all | ts.getCombinedModifierFlags(c), 0);
    if (flags & ts.ModifierFlags.Private) return ['private constructor();'];
    const prefix = flags & ts.ModifierFlags.Protected ? 'protected constructor' : 'constructor';
    const sigs = this.#checker.getTypeOfSymbol(symbol).getConstructSignatures();
    return [...new Set(this.#signatures(prefix, sigs, ts.SyntaxKind.Constructor))];
  }

  /** One member, with its sort key (`1` before static members so instance members come first). */
  #member(member: ts.ClassElement | ts.ParameterPropertyDeclaration): { key: string; text: string } {
    const isStatic = ts.getCombinedModifierFlags(member as ts.Declaration) & ts.ModifierFlags.Static;
    const key = `${isStatic ? 2 : 1} ${member.name === undefined ? '' : print(member.name, member.getSourceFile())}`;
    return { key, text: this.#memberText(member) };
  }

  #memberText(member: ts.ClassElement | ts.ParameterPropertyDeclaration): string {
    const flags = ts.getCombinedModifierFlags(member as ts.Declaration);
    const mods = [
      flags & ts.ModifierFlags.Protected ? 'protected ' : '',
      flags & ts.ModifierFlags.Static ? 'static ' : '',
      flags & ts.ModifierFlags.Abstract ? 'abstract ' : '',
      flags & ts.ModifierFlags.Readonly ? 'readonly ' : '',
    ].join('');
    const name = member.name === undefined ? '' : print(member.name, member.getSourceFile());
    const optional = 'questionToken' in member && member.questionToken ? '?' : '';
    const deprecated = ts.getJSDocDeprecatedTag(member) ? '/** @deprecated */ ' : '';
    if (ts.isIndexSignatureDeclaration(member)) return deprecated + mods + print(member, member.getSourceFile());
    const symbol = this.#checker.getSymbolAtLocation(member.name!);
    if (symbol === undefined) return `${deprecated}${mods}${name}${optional}: unknown;`;
    if (ts.isMethodDeclaration(member)) {
      const sigs = this.#checker.getTypeOfSymbol(symbol).getCallSignatures();
      return this.#signatures(`${deprecated}${mods}${name}${optional}`, sigs, ts.SyntaxKind.MethodDeclaration).join('\n');
    }
    const type = this.#type(this.#checker.getTypeOfSymbol(symbol), member);
    if (ts.isGetAccessorDeclaration(member)) return `${deprecated}${mods}get ${name}(): ${type};`;
    if (ts.isSetAccessorDeclaration(member)) return `${deprecated}${mods}set ${name}(value: ${type});`;
    return `${deprecated}${mods}${name}${optional}: ${type};`;
  }
}

/**
 * The checker orders an inferred union by the order in which it first met each member, which an unrelated edit
 * elsewhere can change; sorting the members by their text makes the report change only when the type does.
 */
function sortUnions<T extends ts.Node>(node: T): T {
  const sorter: ts.TransformerFactory<ts.Node> = (context) => {
    const visit = (n: ts.Node): ts.Node => {
      const next = ts.visitEachChild(n, visit, context);
      if (!ts.isUnionTypeNode(next)) return next;
      const members = [...next.types].sort((a, b) => compare(print(a), print(b)));
      return context.factory.updateUnionTypeNode(next, context.factory.createNodeArray(members));
    };
    return visit;
  };
  const result = ts.transform<ts.Node>(node, [sorter]);
  const sorted = result.transformed[0] as T;
  result.dispose();
  return sorted;
}

/** Private (keyword or `#name`) and `@internal` members are not part of the surface. */
function isVisible(member: ts.ClassElement | ts.ParameterDeclaration): boolean {
  if (member.name !== undefined && ts.isPrivateIdentifier(member.name)) return false;
  if (ts.getCombinedModifierFlags(member as ts.Declaration) & ts.ModifierFlags.Private) return false;
  return !ts.getJSDocTags(member).some((tag) => tag.tagName.text === 'internal');
}

function variableKeyword(decl: ts.VariableDeclaration): string {
  const flags = ts.getCombinedNodeFlags(decl);
  return flags & ts.NodeFlags.Const ? 'const' : flags & ts.NodeFlags.Let ? 'let' : 'var';
}

/** Interfaces, type aliases and enums as written, minus comments and `export`, under the exported name. */
function reprint(name: string, decls: (ts.InterfaceDeclaration | ts.TypeAliasDeclaration | ts.EnumDeclaration)[]): string {
  return decls
    .map((d) => {
      const text = print(d, d.getSourceFile()).replace(/^export\s+(declare\s+)?/, '');
      return d.name.text === name ? text : text.replace(new RegExp(`\\b${d.name.text}\\b`), name);
    })
    .join('\n');
}

function print(node: ts.Node, file: ts.SourceFile = scratch): string {
  return printer.printNode(ts.EmitHint.Unspecified, node, file).replace(/ {4}/g, '  ');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

/** Code-unit order, not locale order: the same on every machine. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The report text of one entry point. */
function report(entry: EntryPoint, reporter: Reporter, program: ts.Program): { text: string; names: number } {
  const file = program.getSourceFile(join(root, entry.source));
  if (file === undefined) throw new Error(`${entry.source}: not in the program`);
  const exported = reporter.exportsOf(file);
  const kinds = new Map<string, number>();
  for (const { kind } of exported) kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  const byKind = [...kinds]
    .sort(([a], [b]) => compare(a, b))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const body = exported.map((e) => e.text).join('\n\n');
  const portable = portableImports(body);
  const text = [
    `# API report: ${entry.specifier}`,
    '',
    `${exported.length} exported names (${byKind}).`,
    '',
    `Source: \`${entry.source}\`. Generated by \`npm run api:update\` (scripts/api-report.ts); do not edit by hand.`,
    '',
    '```ts',
    portable,
    '```',
    '',
  ].join('\n');
  return { text, names: exported.length };
}

/**
 * Types the printer could not name from the declaration's scope come out as `import("<absolute path>").Name`,
 * which differs between machines: a package's types become `import("package").Name`, our own plain `Name`.
 */
function portableImports(text: string): string {
  return text.replace(/import\("([^"]*)"\)\./g, (_, path: string) => {
    const pkg = path.match(/\/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1];
    return pkg === undefined ? '' : `import("${pkg}").`;
  });
}

/** Blocks of a report keyed by the name in their first line, for a per-name summary of a difference. */
function blocks(text: string): Map<string, string> {
  const code = text.split('```ts\n')[1]?.split('\n```')[0] ?? '';
  const map = new Map<string, string>();
  for (const block of code.split('\n\n')) {
    const name = block.match(/^(?:\/\*\* @deprecated \*\/\n)?(?:abstract )?\w+ ([\w$]+)/)?.[1] ?? block.split('\n')[0]!;
    map.set(name, block);
  }
  return map;
}

function summarize(file: string, before: string, after: string): string {
  const old = blocks(before);
  const now = blocks(after);
  const lines = [`${relative(root, file)} is out of date:`];
  for (const name of [...new Set([...old.keys(), ...now.keys()])].sort(compare)) {
    const a = old.get(name);
    const b = now.get(name);
    if (a === b) continue;
    if (a === undefined) lines.push(`  + ${name} (new export)`);
    else if (b === undefined) lines.push(`  - ${name} (no longer exported)`);
    else {
      lines.push(`  ~ ${name} changed:`);
      const aLines = new Set(a.split('\n'));
      const bLines = new Set(b.split('\n'));
      for (const l of aLines) if (!bLines.has(l)) lines.push(`      - ${l.trim()}`);
      for (const l of bLines) if (!aLines.has(l)) lines.push(`      + ${l.trim()}`);
    }
  }
  const header = before.split('\n')[2] !== after.split('\n')[2] ? [`  count: ${after.split('\n')[2]}`] : [];
  return [...lines.slice(0, 1), ...header, ...lines.slice(1)].join('\n');
}

function main(): void {
  const check = process.argv.includes('--check');
  const entries = entryPoints();
  const program = createProgram(entries.map((e) => e.source));
  const reporter = new Reporter(program.getTypeChecker());
  const expected = new Map(entries.map((e) => [e.report, report(e, reporter, program)]));

  const stale: string[] = [];
  const present = readdirSafe(API_DIR).filter((f) => f.endsWith(SUFFIX));
  for (const extra of present.filter((f) => !expected.has(f))) {
    stale.push(`api/${extra}: no entry point writes this report any more`);
    if (!check) rmSync(join(API_DIR, extra));
  }
  for (const [name, { text, names }] of expected) {
    const path = join(API_DIR, name);
    const current = readSafe(path);
    if (!check) console.log(`api/${name}: ${names} names`);
    if (current === text) continue;
    stale.push(current === undefined ? `api/${name}: missing` : summarize(path, current, text));
    if (!check) {
      mkdirSync(API_DIR, { recursive: true });
      writeFileSync(path, text);
    }
  }
  if (!check) {
    console.log(stale.length === 0 ? 'API reports unchanged' : `${stale.length} API report(s) updated; review the diff`);
    return;
  }
  if (stale.length === 0) return;
  console.error(`${stale.join('\n\n')}\n\nThe public API changed: run npm run api:update and review the diff.`);
  process.exit(1);
}

function readSafe(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function readdirSafe(path: string): string[] {
  try {
    return readdirSync(path).sort(compare);
  } catch {
    return [];
  }
}

main();
