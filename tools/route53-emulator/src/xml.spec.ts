import { el, elWithAttributes, parseXml, renderXml, XmlParseError } from './xml';

describe('XML', () => {
  it('parses elements, attributes, entities, character references and CDATA', () => {
    const root = parseXml(
      '<?xml version="1.0" encoding="UTF-8"?>\r\n<!-- c --><r:Root xmlns:r="urn:x" a=\'1\'>' +
        '<Value>&quot;a&quot; &amp; &#65;&#x42;</Value><Value><![CDATA[<raw> & ]]></Value><Empty/></r:Root>',
    );
    expect(root.name).toBe('r:Root');
    expect(root.localName).toBe('Root');
    expect(root.attributes).toEqual({ 'xmlns:r': 'urn:x', a: '1' });
    expect(root.children.map((c) => [c.localName, c.text])).toEqual([
      ['Value', '"a" & AB'],
      ['Value', '<raw> & '],
      ['Empty', ''],
    ]);
  });

  it('keeps whitespace inside text as it is', () => {
    expect(parseXml('<V>  "a"  "b" </V>').text).toBe('  "a"  "b" ');
  });

  it.each([
    ['<a><b></a>', 'Expected </b>'],
    ['<a>', 'not closed'],
    ['<a></a><b/>', 'after the root element'],
    ['<a>&bogus;</a>', 'Unknown or invalid reference'],
    ['<a>&#0;</a>', 'Unknown or invalid reference'],
    ['<a x="1" x="2"/>', 'Duplicate attribute'],
    ['<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>', 'Document type declarations are not allowed'],
    ['text', 'Expected the root element'],
    ['<a b="<"/>', "'<' is not allowed"],
  ])('refuses %s', (source, message) => {
    expect(() => parseXml(source)).toThrow(XmlParseError);
    expect(() => parseXml(source)).toThrow(message);
  });

  it('refuses absurdly deep nesting', () => {
    expect(() => parseXml('<a>'.repeat(100) + '</a>'.repeat(100))).toThrow('nested too deeply');
  });

  it('renders documents with escaped text, skipping undefined children and flattening arrays', () => {
    const xml = renderXml(
      elWithAttributes('Root', { xmlns: 'urn:"x"' }, el('A', 'x < y & z > w'), undefined, [
        el('N', 1),
        el('B', false),
      ]),
    );
    expect(xml).toBe(
      '<?xml version="1.0"?>\n<Root xmlns="urn:&quot;x&quot;"><A>x &lt; y &amp; z &gt; w</A><N>1</N><B>false</B></Root>',
    );
    expect(parseXml(xml).children[0]?.text).toBe('x < y & z > w');
  });
});
