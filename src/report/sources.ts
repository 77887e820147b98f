/**
 * A requirement's source, cut into text and links: each RFC it names points at
 * rfc-editor.org, at the section where one is given ("RFC 9110 §15.5.6, §10.2.1"), so that
 * the reader of a FAIL reaches the sentence it rests on in one click.
 */
export interface SourcePart {
  text: string;
  href?: string;
}

/** `RFC N`, then optionally `§S` and more `, §S` of the same RFC. */
const RFC_REFERENCE = /RFC (\d+)((?: §\d+(?:\.\d+)*)(?:, §\d+(?:\.\d+)*)*)?/g;

const rfcUrl = (rfc: string, section?: string) =>
  `https://www.rfc-editor.org/rfc/rfc${rfc}${section === undefined ? '' : `#section-${section}`}`;

export function sourceParts(source: string): SourcePart[] {
  const parts: SourcePart[] = [];
  let last = 0;
  for (const match of source.matchAll(RFC_REFERENCE)) {
    if (match.index > last) parts.push({ text: source.slice(last, match.index) });
    const [, rfc, sectionList] = match;
    const sections = sectionList ? sectionList.trim().split(', ').map((s) => s.slice(1)) : [];
    if (sections.length === 0) parts.push({ text: `RFC ${rfc}`, href: rfcUrl(rfc) });
    sections.forEach((section, i) => {
      if (i > 0) parts.push({ text: ', ' });
      parts.push({ text: i === 0 ? `RFC ${rfc} §${section}` : `§${section}`, href: rfcUrl(rfc, section) });
    });
    last = match.index + match[0].length;
  }
  if (last < source.length) parts.push({ text: source.slice(last) });
  return parts;
}
