// User-typed initial conditions (issue #5 "initial conditions (expressions, …)"; issue #10: "user-typed
// expressions are parsed by a real parser into an AST"). A small recursive-descent parser for arithmetic
// over x, y, the constants pi and e, the equation's parameters and a fixed list of functions; the AST is
// evaluated in float64 on the CPU (the initial state is built there). Nothing is ever passed to eval.
//
// Grammar:  expr := term (('+'|'-') term)* ; term := unary (('*'|'/') unary)* ;
//           unary := ('-'|'+') unary | power ; power := atom ('^' unary)? ; atom := number | name | name '(' expr (',' expr)* ')' | '(' expr ')'

export type Ast =
  | { kind: 'number'; value: number }
  | { kind: 'variable'; name: string }
  | { kind: 'unary'; op: '-'; arg: Ast }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/' | '^'; left: Ast; right: Ast }
  | { kind: 'call'; name: string; args: Ast[] };

const FUNCTIONS: Record<string, { arity: number; f: (...a: number[]) => number }> = {
  sin: { arity: 1, f: Math.sin },
  cos: { arity: 1, f: Math.cos },
  tan: { arity: 1, f: Math.tan },
  exp: { arity: 1, f: Math.exp },
  log: { arity: 1, f: Math.log },
  sqrt: { arity: 1, f: Math.sqrt },
  abs: { arity: 1, f: Math.abs },
  tanh: { arity: 1, f: Math.tanh },
  sinh: { arity: 1, f: Math.sinh },
  cosh: { arity: 1, f: Math.cosh },
  sech: { arity: 1, f: (x) => 1 / Math.cosh(x) },
  atan: { arity: 1, f: Math.atan },
  floor: { arity: 1, f: Math.floor },
  sign: { arity: 1, f: Math.sign },
  min: { arity: 2, f: Math.min },
  max: { arity: 2, f: Math.max },
  atan2: { arity: 2, f: Math.atan2 },
  /** 1 where a ≥ 0, else 0 */
  step: { arity: 1, f: (a) => (a >= 0 ? 1 : 0) },
};
const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E };

export const EXPRESSION_FUNCTIONS = Object.keys(FUNCTIONS);
export const MAX_EXPRESSION_LENGTH = 500;

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

type Token = { type: 'number'; value: number; at: number } | { type: 'name'; value: string; at: number } | { type: 'op'; value: string; at: number } | { type: 'end'; at: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (/[0-9.]/.test(c)) {
      const match = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(i));
      if (!match) throw new ExpressionError(`bad number at position ${i + 1}`, i);
      tokens.push({ type: 'number', value: Number(match[0]), at: i });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
      tokens.push({ type: 'name', value: match[0], at: i });
      i += match[0].length;
    } else if ('+-*/^(),'.includes(c)) {
      tokens.push({ type: 'op', value: c, at: i });
      i++;
    } else {
      throw new ExpressionError(`unexpected character '${c}' at position ${i + 1}`, i);
    }
  }
  tokens.push({ type: 'end', at: text.length });
  return tokens;
}

/** Parses an expression over the given variable names; throws ExpressionError naming the position and what is allowed. */
export function parseExpression(text: string, variables: readonly string[]): Ast {
  if (text.length > MAX_EXPRESSION_LENGTH) throw new ExpressionError(`longer than ${MAX_EXPRESSION_LENGTH} characters`, MAX_EXPRESSION_LENGTH);
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const isOp = (value: string) => {
    const t = peek();
    return t.type === 'op' && t.value === value;
  };
  const expect = (value: string) => {
    if (!isOp(value)) throw new ExpressionError(`expected '${value}' at position ${peek().at + 1}`, peek().at);
    pos++;
  };
  /** a left-associative level: operand (op operand)* */
  const leftAssociative = (ops: readonly ('+' | '-' | '*' | '/')[], operand: () => Ast) => (): Ast => {
    let left = operand();
    for (let op = ops.find(isOp); op !== undefined; op = ops.find(isOp)) {
      pos++;
      left = { kind: 'binary', op, left, right: operand() };
    }
    return left;
  };
  const term = leftAssociative(['*', '/'], () => unary());
  const expr = leftAssociative(['+', '-'], term);
  const unary = (): Ast => {
    if (isOp('-')) {
      pos++;
      return { kind: 'unary', op: '-', arg: unary() };
    }
    if (isOp('+')) {
      pos++;
      return unary();
    }
    return power();
  };
  const power = (): Ast => {
    const base = atom();
    if (isOp('^')) {
      pos++;
      return { kind: 'binary', op: '^', left: base, right: unary() };
    }
    return base;
  };
  const atom = (): Ast => {
    const t = peek();
    if (t.type === 'number') {
      pos++;
      return { kind: 'number', value: t.value };
    }
    if (t.type === 'name') {
      pos++;
      if (isOp('(')) {
        const fn = FUNCTIONS[t.value];
        if (!fn) throw new ExpressionError(`unknown function '${t.value}' at position ${t.at + 1}; allowed: ${EXPRESSION_FUNCTIONS.join(', ')}`, t.at);
        pos++;
        const args = [expr()];
        while (isOp(',')) {
          pos++;
          args.push(expr());
        }
        expect(')');
        if (args.length !== fn.arity) throw new ExpressionError(`${t.value} takes ${fn.arity} argument${fn.arity > 1 ? 's' : ''}, got ${args.length}`, t.at);
        return { kind: 'call', name: t.value, args };
      }
      if (t.value in CONSTANTS || variables.includes(t.value)) return { kind: 'variable', name: t.value };
      throw new ExpressionError(`unknown name '${t.value}' at position ${t.at + 1}; allowed: ${[...variables, ...Object.keys(CONSTANTS)].join(', ')} and the functions ${EXPRESSION_FUNCTIONS.join(', ')}`, t.at);
    }
    if (isOp('(')) {
      pos++;
      const inner = expr();
      expect(')');
      return inner;
    }
    throw new ExpressionError(t.type === 'end' ? 'unexpected end of the expression' : `unexpected '${t.value}' at position ${t.at + 1}`, t.at);
  };
  const ast = expr();
  if (peek().type !== 'end') throw new ExpressionError(`unexpected '${(peek() as { value: string }).value}' at position ${peek().at + 1}`, peek().at);
  return ast;
}

/** evaluates an AST with the given variable values (float64) */
export function evaluate(ast: Ast, values: Record<string, number>): number {
  switch (ast.kind) {
    case 'number':
      return ast.value;
    case 'variable':
      return ast.name in values ? values[ast.name] : CONSTANTS[ast.name];
    case 'unary':
      return -evaluate(ast.arg, values);
    case 'call':
      return FUNCTIONS[ast.name].f(...ast.args.map((a) => evaluate(a, values)));
    case 'binary': {
      const a = evaluate(ast.left, values);
      const b = evaluate(ast.right, values);
      switch (ast.op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          return a / b;
        case '^':
          return a ** b;
      }
    }
  }
}
