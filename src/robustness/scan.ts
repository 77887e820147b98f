/**
 * The static check that no source evaluates what it receives: every use of eval,
 * Function constructors and the vm module in TypeScript/JavaScript, and of eval, exec,
 * compile, pickle and marshal loading in Python, listed with file:line. A use that is
 * not an evaluation of received data is explained in EXPLAINED; anything else fails.
 * Comments are skipped (they name these functions to say they are not used).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { EvaluationFinding, EvaluationScan } from '../report/types';

interface Pattern {
  name: string;
  regex: RegExp;
  languages: ('js' | 'py')[];
}

const PATTERNS: Pattern[] = [
  { name: 'eval', regex: /(?<![.\w$])eval\s*\(/, languages: ['js', 'py'] },
  { name: 'Function constructor', regex: /(?<![.\w$])Function\s*\(/, languages: ['js'] },
  { name: 'vm module', regex: /require\(\s*['"](?:node:)?vm['"]\s*\)|from\s+['"](?:node:)?vm['"]|import\(\s*['"](?:node:)?vm['"]\s*\)/, languages: ['js'] },
  { name: 'exec', regex: /(?<![.\w])exec\s*\(/, languages: ['py'] },
  { name: 'compile', regex: /(?<![.\w])compile\s*\(/, languages: ['py'] },
  { name: 'pickle/marshal load', regex: /\b(?:pickle|marshal|cPickle|dill)\.loads?\s*\(/, languages: ['py'] },
];

/** Uses that are the product's purpose, not received data being run; each says why. */
const EXPLAINED: readonly { file: string; pattern: string; reason: string }[] = [
  {
    file: 'src/impl/cobra/tracer.py',
    pattern: 'compile',
    reason: 'the cobra tracer compiles the program it debugs: a .py file the server resolved inside its own root (the jail), never bytes from a socket',
  },
  {
    file: 'src/impl/cobra/tracer.py',
    pattern: 'exec',
    reason: 'the cobra tracer runs the program it debugs (the product\'s purpose): a .py file from the server\'s own root, never bytes from a socket',
  },
];

const LANGUAGE: Record<string, 'js' | 'py'> = { '.ts': 'js', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.py': 'py' };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === '__pycache__' ? [] : sourceFiles(full);
    return entry.isFile() && path.extname(entry.name) in LANGUAGE ? [full] : [];
  });
}

/** The code of each line with comments blanked (line and block comments; Python # comments). Strings are kept. */
function codeLines(text: string, language: 'js' | 'py'): string[] {
  let inBlock = false;
  return text.split('\n').map((line) => {
    if (language === 'py') return line.replace(/(^|\s)#.*$/, '$1');
    let code = '';
    let rest = line;
    while (rest.length > 0) {
      if (inBlock) {
        const end = rest.indexOf('*/');
        if (end === -1) return code;
        inBlock = false;
        rest = rest.slice(end + 2);
        continue;
      }
      const block = rest.indexOf('/*');
      const lineComment = /(^|[^:'"\\])\/\//.exec(rest);
      const lineAt = lineComment ? lineComment.index + lineComment[1].length : -1;
      if (block !== -1 && (lineAt === -1 || block < lineAt)) {
        code += rest.slice(0, block);
        inBlock = true;
        rest = rest.slice(block + 2);
      } else {
        return code + (lineAt === -1 ? rest : rest.slice(0, lineAt));
      }
    }
    return code;
  });
}

/** Scans every .ts/.js/.py file under the directories; paths in findings are relative to `base`. */
export function scanForEvaluation(dirs: string[], base: string): EvaluationScan {
  const files = dirs.flatMap(sourceFiles).sort();
  const findings: EvaluationFinding[] = [];
  for (const file of files) {
    const language = LANGUAGE[path.extname(file)];
    const relative = path.relative(base, file).split(path.sep).join('/');
    codeLines(readFileSync(file, 'utf8'), language).forEach((code, index) => {
      for (const pattern of PATTERNS) {
        if (!pattern.languages.includes(language) || !pattern.regex.test(code)) continue;
        const explained = EXPLAINED.find((e) => e.file === relative && e.pattern === pattern.name)?.reason;
        findings.push({ file: relative, line: index + 1, pattern: pattern.name, text: code.trim().slice(0, 200), ...(explained ? { explained } : {}) });
      }
    });
  }
  return {
    files: files.length,
    patterns: PATTERNS.map((p) => `${p.name} (${p.languages.join(', ')})`),
    findings,
    verdict: findings.every((f) => f.explained !== undefined) ? 'PASS' : 'FAIL',
  };
}
