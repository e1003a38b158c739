// The text of every cell of a workbook, read from its XML as Excel reads it: entities decoded once.
// ExcelJS's reader decodes them twice (a comment typed `&lt;b&gt;` comes back as `<b>`), which would
// hide a double escaping or invent one; here the sheets are unzipped (JSZip) and parsed as XML.
import JSZip from 'jszip';
import * as cheerio from 'cheerio';

export async function xlsxCellTexts(bytes: Buffer): Promise<string[]> {
  const zip = await JSZip.loadAsync(bytes);
  const read = (name: string) => zip.file(name)?.async('string');
  const sharedXml = await read('xl/sharedStrings.xml');
  const shared = sharedXml ? cheerio.load(sharedXml, { xml: true })('si').map((_, si) => cheerio.load(si, { xml: true }).root().find('t').text()).get() : [];
  const texts: string[] = [];
  for (const name of Object.keys(zip.files).filter((file) => /^xl\/worksheets\/sheet\d+\.xml$/.test(file))) {
    const $ = cheerio.load((await read(name)) ?? '', { xml: true });
    $('c').each((_, cell) => {
      const c = $(cell);
      if (c.attr('t') === 'inlineStr') texts.push(c.find('is t').text());
      else if (c.attr('t') === 's') texts.push(shared[Number(c.find('v').text())] ?? '');
      else if (c.find('v').length) texts.push(c.find('v').text());
    });
  }
  return texts;
}
