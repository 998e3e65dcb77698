/**
 * The filter expression language of Amazon Personalize ("Filter expressions" in the developer guide),
 * parsed into a small tree. The grammar the engine accepts:
 *
 *   filter     := expression ('|' expression)*
 *   expression := (INCLUDE | EXCLUDE) ItemID WHERE conditions [IF CurrentUser-conditions]
 *   conditions := condition ((AND | OR) condition)*        AND binds tighter than OR
 *   condition  := Dataset '.' FIELD operator operand
 *   operator   := IN | NOT IN | = | < | <= | > | >=
 *   operand    := '(' value (',' value)* ')' | value        IN and NOT IN take the parenthesised form
 *   value      := "quoted string" | number | $PARAMETER
 *
 * Keywords and dataset names are case-insensitive. Errors name the 1-based character position.
 */

export type FilterDataset = 'Items' | 'Interactions' | 'CurrentUser';
export type FilterOperator = 'IN' | 'NOT IN' | '=' | '<' | '<=' | '>' | '>=';
export type FilterValue = string | number;

/** A literal list, or a placeholder bound by `filterValues` at request time. */
export type FilterOperand =
  | { readonly kind: 'values'; readonly values: readonly FilterValue[] }
  | { readonly kind: 'parameter'; readonly name: string };

export interface FilterCondition {
  readonly dataset: FilterDataset;
  readonly field: string;
  readonly operator: FilterOperator;
  readonly operand: FilterOperand;
  /** 1-based character position of the condition in the expression, for messages. */
  readonly position: number;
}

/** Conditions in disjunctive form: the expression matches when every condition of some group holds. */
export type ConditionGroups = readonly (readonly FilterCondition[])[];

export interface FilterClause {
  readonly action: 'INCLUDE' | 'EXCLUDE';
  readonly where: ConditionGroups;
  /** `IF CurrentUser...`: the clause applies only to users for whom this holds. */
  readonly onlyIf?: ConditionGroups;
}

export interface ParsedFilter {
  readonly clauses: readonly FilterClause[];
}

/** A malformed expression; `position` is the 1-based character where the problem starts. */
export class FilterExpressionError extends Error {
  constructor(
    readonly position: number,
    readonly problem: string,
  ) {
    super(`Invalid filter expression at character ${position}: ${problem}`);
    this.name = new.target.name;
  }
}

type TokenKind = 'word' | 'string' | 'number' | 'parameter' | 'symbol' | 'end';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly position: number;
}

const SYMBOLS = ['<=', '>=', '(', ')', ',', '.', '|', '=', '<', '>'];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const position = i + 1;
    if (ch === '"') {
      let end = i + 1;
      let text = '';
      while (end < source.length && source[end] !== '"') {
        if (source[end] === '\\' && end + 1 < source.length) end++;
        text += source[end];
        end++;
      }
      if (end >= source.length) throw new FilterExpressionError(position, 'the quoted string is not closed');
      tokens.push({ kind: 'string', text, position });
      i = end + 1;
      continue;
    }
    const number = /^-?\d+(\.\d+)?/.exec(source.slice(i));
    if (number) {
      tokens.push({ kind: 'number', text: number[0], position });
      i += number[0].length;
      continue;
    }
    if (ch === '$') {
      const name = /^\$([A-Za-z0-9_]+)/.exec(source.slice(i));
      if (!name) throw new FilterExpressionError(position, "'$' must start a parameter name such as $GENRE");
      tokens.push({ kind: 'parameter', text: name[1]!, position });
      i += name[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
    if (word) {
      tokens.push({ kind: 'word', text: word[0], position });
      i += word[0].length;
      continue;
    }
    const symbol = SYMBOLS.find((s) => source.startsWith(s, i));
    if (!symbol) throw new FilterExpressionError(position, `unexpected character '${ch}'`);
    tokens.push({ kind: 'symbol', text: symbol, position });
    i += symbol.length;
  }
  tokens.push({ kind: 'end', text: '', position: source.length + 1 });
  return tokens;
}

function describe(token: Token): string {
  if (token.kind === 'end') return 'the end of the expression';
  if (token.kind === 'string') return `"${token.text}"`;
  if (token.kind === 'parameter') return `$${token.text}`;
  return `'${token.text}'`;
}

const DATASETS: Record<string, FilterDataset> = {
  items: 'Items',
  interactions: 'Interactions',
  currentuser: 'CurrentUser',
};

class Parser {
  private at = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.at]!;
  }

  private next(): Token {
    return this.tokens[this.at++]!;
  }

  private isWord(word: string): boolean {
    const token = this.peek();
    return token.kind === 'word' && token.text.toUpperCase() === word;
  }

  private isSymbol(symbol: string): boolean {
    const token = this.peek();
    return token.kind === 'symbol' && token.text === symbol;
  }

  private expectWord(word: string, context: string): Token {
    if (!this.isWord(word)) {
      const token = this.peek();
      throw new FilterExpressionError(
        token.position,
        `expected ${word} ${context}, found ${describe(token)}`,
      );
    }
    return this.next();
  }

  private expectSymbol(symbol: string, context: string): Token {
    if (!this.isSymbol(symbol)) {
      const token = this.peek();
      throw new FilterExpressionError(
        token.position,
        `expected '${symbol}' ${context}, found ${describe(token)}`,
      );
    }
    return this.next();
  }

  parseFilter(): ParsedFilter {
    const clauses = [this.parseClause()];
    while (this.isSymbol('|')) {
      this.next();
      clauses.push(this.parseClause());
    }
    const token = this.peek();
    if (token.kind !== 'end') {
      throw new FilterExpressionError(
        token.position,
        `expected AND, OR, IF, '|' or the end of the expression, found ${describe(token)}`,
      );
    }
    return { clauses };
  }

  private parseClause(): FilterClause {
    const start = this.peek();
    let action: FilterClause['action'];
    if (this.isWord('INCLUDE')) action = 'INCLUDE';
    else if (this.isWord('EXCLUDE')) action = 'EXCLUDE';
    else
      throw new FilterExpressionError(
        start.position,
        `expected INCLUDE or EXCLUDE, found ${describe(start)}`,
      );
    this.next();
    const subject = this.peek();
    if (this.isWord('USERID') || this.isWord('ACTIONID')) {
      throw new FilterExpressionError(
        subject.position,
        `${subject.text} filters (user segments, actions) are not supported by the engine; filter items with ItemID`,
      );
    }
    this.expectWord('ITEMID', `after ${action}`);
    this.expectWord('WHERE', 'after ItemID');
    const where = this.parseGroups(false);
    if (!this.isWord('IF')) return { action, where };
    this.next();
    return { action, where, onlyIf: this.parseGroups(true) };
  }

  private parseGroups(currentUser: boolean): ConditionGroups {
    const groups: FilterCondition[][] = [[this.parseCondition(currentUser)]];
    for (;;) {
      if (this.isWord('AND')) {
        this.next();
        groups[groups.length - 1]!.push(this.parseCondition(currentUser));
      } else if (this.isWord('OR')) {
        this.next();
        groups.push([this.parseCondition(currentUser)]);
      } else return groups;
    }
  }

  private parseCondition(currentUser: boolean): FilterCondition {
    const start = this.peek();
    const dataset = start.kind === 'word' ? DATASETS[start.text.toLowerCase()] : undefined;
    if (start.kind === 'word' && start.text.toLowerCase() === 'currentitem') {
      throw new FilterExpressionError(start.position, 'CurrentItem is not supported by the engine');
    }
    if (!dataset) {
      throw new FilterExpressionError(
        start.position,
        `expected a dataset (Items, Interactions or CurrentUser), found ${describe(start)}`,
      );
    }
    if (currentUser !== (dataset === 'CurrentUser')) {
      throw new FilterExpressionError(
        start.position,
        currentUser
          ? `after IF, conditions are on CurrentUser, found ${start.text}`
          : 'CurrentUser conditions go after IF, at the end of the expression',
      );
    }
    this.next();
    this.expectSymbol('.', `after ${dataset}`);
    const field = this.peek();
    if (field.kind !== 'word') {
      throw new FilterExpressionError(
        field.position,
        `expected a field name after ${dataset}., found ${describe(field)}`,
      );
    }
    this.next();
    const operator = this.parseOperator(`${dataset}.${field.text}`);
    const operand = this.parseOperand(operator);
    return { dataset, field: field.text, operator, operand, position: start.position };
  }

  private parseOperator(subject: string): FilterOperator {
    const token = this.peek();
    if (this.isWord('IN')) {
      this.next();
      return 'IN';
    }
    if (this.isWord('NOT')) {
      this.next();
      this.expectWord('IN', 'after NOT');
      return 'NOT IN';
    }
    if (token.kind === 'symbol' && ['=', '<', '<=', '>', '>='].includes(token.text)) {
      this.next();
      return token.text as FilterOperator;
    }
    throw new FilterExpressionError(
      token.position,
      `expected IN, NOT IN, =, <, <=, > or >= after ${subject}, found ${describe(token)}`,
    );
  }

  private parseOperand(operator: FilterOperator): FilterOperand {
    const list = operator === 'IN' || operator === 'NOT IN';
    if (list) this.expectSymbol('(', `after ${operator}`);
    const values: FilterValue[] = [];
    for (;;) {
      const token = this.next();
      if (token.kind === 'parameter') {
        if (operator === 'NOT IN') {
          throw new FilterExpressionError(
            token.position,
            `a placeholder parameter cannot follow NOT IN; use IN and swap INCLUDE and EXCLUDE`,
          );
        }
        if (values.length > 0 || (list && !this.isSymbol(')'))) {
          throw new FilterExpressionError(
            token.position,
            `a parameter ($${token.text}) must be the only value`,
          );
        }
        if (list) this.next();
        return { kind: 'parameter', name: token.text };
      }
      if (token.kind === 'string') values.push(token.text);
      else if (token.kind === 'number') values.push(Number(token.text));
      else {
        throw new FilterExpressionError(
          token.position,
          `expected a quoted string, a number or a $PARAMETER, found ${describe(token)}`,
        );
      }
      if (!list) return { kind: 'values', values };
      if (this.isSymbol(',')) {
        this.next();
        continue;
      }
      this.expectSymbol(')', 'to close the value list');
      return { kind: 'values', values };
    }
  }
}

/** Parses an expression, or throws `FilterExpressionError` naming the position and the problem. */
export function parseFilterExpression(source: string): ParsedFilter {
  return new Parser(tokenize(source)).parseFilter();
}
