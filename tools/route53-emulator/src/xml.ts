/**
 * The XML that Route 53 request and response bodies need: elements, attributes, text, CDATA,
 * comments and the five predefined entities plus character references. DTDs are refused, so no
 * entity expansion can be smuggled in.
 */

export interface XmlElement {
  readonly name: string;
  /** The name without its namespace prefix. */
  readonly localName: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** Text and CDATA directly inside this element, concatenated. */
  readonly text: string;
}

export class XmlParseError extends Error {
  constructor(message: string, position: number) {
    super(`${message} at offset ${position}`);
    this.name = 'XmlParseError';
  }
}

const MAX_DEPTH = 64;
const NAME_START = /[A-Za-z_:]/;
const NAME_CHAR = /[A-Za-z0-9._:-]/;
const PREDEFINED_ENTITIES: Record<string, string> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
};

export function parseXml(source: string): XmlElement {
  return new Parser(source).parseDocument();
}

class Parser {
  private pos = 0;
  private readonly src: string;

  constructor(source: string) {
    // XML processors normalise line ends before parsing (XML 1.0 section 2.11).
    this.src = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  }

  parseDocument(): XmlElement {
    if (this.src.startsWith('<?xml')) this.skipProcessingInstruction();
    this.skipMisc();
    if (this.src.startsWith('<!DOCTYPE', this.pos))
      this.fail('Document type declarations are not allowed');
    if (this.src[this.pos] !== '<') this.fail('Expected the root element');
    const root = this.parseElement(1);
    this.skipMisc();
    if (this.pos < this.src.length) this.fail('Unexpected content after the root element');
    return root;
  }

  private skipMisc(): void {
    for (;;) {
      this.skipWhitespace();
      if (this.src.startsWith('<!--', this.pos)) this.skipComment();
      else if (this.src.startsWith('<?', this.pos)) this.skipProcessingInstruction();
      else return;
    }
  }

  private parseElement(depth: number): XmlElement {
    if (depth > MAX_DEPTH) this.fail('Elements are nested too deeply');
    this.expect('<');
    const name = this.parseName();
    const attributes: Record<string, string> = {};
    for (;;) {
      const hadSpace = this.skipWhitespace();
      if (this.src.startsWith('/>', this.pos)) {
        this.pos += 2;
        return makeElement(name, attributes, [], '');
      }
      if (this.src[this.pos] === '>') {
        this.pos += 1;
        break;
      }
      if (!hadSpace) this.fail('Expected whitespace before an attribute');
      const attrName = this.parseName();
      if (Object.hasOwn(attributes, attrName)) this.fail(`Duplicate attribute '${attrName}'`);
      this.skipWhitespace();
      this.expect('=');
      this.skipWhitespace();
      attributes[attrName] = this.parseAttributeValue();
    }
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      if (this.pos >= this.src.length) this.fail(`Element '${name}' is not closed`);
      if (this.src.startsWith('</', this.pos)) {
        this.pos += 2;
        const closing = this.parseName();
        if (closing !== name) this.fail(`Expected </${name}> but found </${closing}>`);
        this.skipWhitespace();
        this.expect('>');
        return makeElement(name, attributes, children, text);
      }
      if (this.src.startsWith('<![CDATA[', this.pos)) {
        const end = this.src.indexOf(']]>', this.pos + 9);
        if (end < 0) this.fail('CDATA section is not closed');
        text += this.src.slice(this.pos + 9, end);
        this.pos = end + 3;
      } else if (this.src.startsWith('<!--', this.pos)) {
        this.skipComment();
      } else if (this.src.startsWith('<?', this.pos)) {
        this.skipProcessingInstruction();
      } else if (this.src[this.pos] === '<') {
        children.push(this.parseElement(depth + 1));
      } else {
        text += this.parseText();
      }
    }
  }

  private parseText(): string {
    let out = '';
    while (this.pos < this.src.length && this.src[this.pos] !== '<') {
      if (this.src[this.pos] === '&') {
        out += this.parseReference();
      } else {
        if (this.src.startsWith(']]>', this.pos)) this.fail("']]>' is not allowed in text");
        out += this.src[this.pos];
        this.pos += 1;
      }
    }
    return out;
  }

  private parseAttributeValue(): string {
    const quote = this.src[this.pos];
    if (quote !== '"' && quote !== "'") this.fail('Expected a quoted attribute value');
    this.pos += 1;
    let out = '';
    for (;;) {
      const ch = this.src[this.pos];
      if (ch === undefined) this.fail('Attribute value is not closed');
      if (ch === quote) {
        this.pos += 1;
        return out;
      }
      if (ch === '<') this.fail("'<' is not allowed in an attribute value");
      if (ch === '&') {
        out += this.parseReference();
      } else {
        out += ch;
        this.pos += 1;
      }
    }
  }

  private parseReference(): string {
    const end = this.src.indexOf(';', this.pos);
    if (end < 0 || end - this.pos > 12) this.fail("Malformed reference after '&'");
    const body = this.src.slice(this.pos + 1, end);
    let value: string | undefined;
    if (/^#[0-9]+$/.test(body)) value = fromCodePoint(parseInt(body.slice(1), 10));
    else if (/^#x[0-9A-Fa-f]+$/.test(body)) value = fromCodePoint(parseInt(body.slice(2), 16));
    else value = PREDEFINED_ENTITIES[body];
    if (value === undefined) this.fail(`Unknown or invalid reference '&${body};'`);
    this.pos = end + 1;
    return value;
  }

  private parseName(): string {
    const start = this.pos;
    if (!NAME_START.test(this.src[this.pos] ?? '')) this.fail('Expected a name');
    this.pos += 1;
    while (NAME_CHAR.test(this.src[this.pos] ?? '')) this.pos += 1;
    return this.src.slice(start, this.pos);
  }

  private skipComment(): void {
    const end = this.src.indexOf('-->', this.pos + 4);
    if (end < 0) this.fail('Comment is not closed');
    this.pos = end + 3;
  }

  private skipProcessingInstruction(): void {
    const end = this.src.indexOf('?>', this.pos + 2);
    if (end < 0) this.fail('Processing instruction is not closed');
    this.pos = end + 2;
  }

  private skipWhitespace(): boolean {
    const start = this.pos;
    while (/[ \t\n]/.test(this.src[this.pos] ?? '')) this.pos += 1;
    return this.pos > start;
  }

  private expect(token: string): void {
    if (!this.src.startsWith(token, this.pos)) this.fail(`Expected '${token}'`);
    this.pos += token.length;
  }

  private fail(message: string): never {
    throw new XmlParseError(message, this.pos);
  }
}

function fromCodePoint(code: number): string | undefined {
  const allowed =
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff);
  return allowed ? String.fromCodePoint(code) : undefined;
}

function makeElement(
  name: string,
  attributes: Record<string, string>,
  children: XmlElement[],
  text: string,
): XmlElement {
  const colon = name.indexOf(':');
  return { name, localName: colon < 0 ? name : name.slice(colon + 1), attributes, children, text };
}

/** A node of a document to be written; `undefined` children are skipped, so optional parts read inline. */
export interface XmlNode {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly (XmlNode | string)[];
}

export type XmlChild = XmlNode | string | number | boolean | undefined | readonly XmlChild[];

export function el(name: string, ...children: XmlChild[]): XmlNode {
  return { name, attributes: {}, children: flatten(children) };
}

export function elWithAttributes(
  name: string,
  attributes: Record<string, string>,
  ...children: XmlChild[]
): XmlNode {
  return { name, attributes, children: flatten(children) };
}

function flatten(children: readonly XmlChild[]): (XmlNode | string)[] {
  const out: (XmlNode | string)[] = [];
  for (const child of children) {
    if (child === undefined) continue;
    if (typeof child === 'string' || typeof child === 'number' || typeof child === 'boolean') {
      out.push(String(child));
    } else if (isNode(child)) {
      out.push(child);
    } else {
      out.push(...flatten(child));
    }
  }
  return out;
}

function isNode(child: XmlNode | readonly XmlChild[]): child is XmlNode {
  return !Array.isArray(child);
}

export function renderXml(root: XmlNode): string {
  return `<?xml version="1.0"?>\n${renderNode(root)}`;
}

function renderNode(node: XmlNode): string {
  const attrs = Object.entries(node.attributes)
    .map(([k, v]) => ` ${k}="${escapeXml(v).replace(/"/g, '&quot;')}"`)
    .join('');
  const inner = node.children
    .map((c) => (typeof c === 'string' ? escapeXml(c) : renderNode(c)))
    .join('');
  return `<${node.name}${attrs}>${inner}</${node.name}>`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Child elements of `parent` named `localName`. */
export function childrenNamed(parent: XmlElement, localName: string): XmlElement[] {
  return parent.children.filter((c) => c.localName === localName);
}
