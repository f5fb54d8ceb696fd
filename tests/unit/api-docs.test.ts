/**
 * Every name the root entry point exports is documented (TSDoc on its
 * declaration), and there are fewer than 200 of them: the curated surface
 * users depend on (issue 14). The full surface of every entry point is in
 * api/*.api.md, checked by `npm run api:check`.
 */
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/libvirt.js';

describe('the root entry point', () => {
  const entry = join(ROOT, 'src/index.ts');
  const program = ts.createProgram([entry], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
  });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const exported = checker.getExportsOfModule(module);

  it('exports fewer than 200 names', () => {
    expect(exported.length).toBeGreaterThan(50);
    expect(exported.length).toBeLessThan(200);
  });

  it('documents each of them', () => {
    const undocumented = exported
      .map((symbol) => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol))
      .filter((symbol) => ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() === '')
      .map((symbol) => symbol.getName());
    expect(undocumented).toEqual([]);
  });
});
