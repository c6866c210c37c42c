/**
 * Normalised investor names for collision detection (DESIGN §7): the same company written
 * "宁德时代新能源科技股份有限公司", "宁德时代新能源科技有限公司" or "宁德时代 新能源科技" must compare
 * as equal (or nearly), so legal-form suffixes, whitespace, punctuation and letter case go.
 * The result is stored in `leads.investor_norm` and compared with pg_trgm `similarity`.
 */

/** Chinese legal forms, longest first so that 股份有限公司 is removed before 有限公司. */
const ZH_SUFFIXES = [
  '集团股份有限公司',
  '集团有限责任公司',
  '集团有限公司',
  '股份有限公司',
  '有限责任公司',
  '有限合伙企业',
  '有限公司',
  '股份公司',
  '控股集团',
  '集团公司',
  '有限合伙',
  '集团',
  '公司',
];

/** Latin legal forms as whole trailing words (after punctuation became spaces). */
const EN_SUFFIXES = [
  'co ltd',
  'company limited',
  'company',
  'co',
  'ltd',
  'limited',
  'inc',
  'incorporated',
  'corp',
  'corporation',
  'llc',
  'llp',
  'lp',
  'plc',
  'gmbh',
  'ag',
  'kg',
  'sa',
  's a',
  'sas',
  'srl',
  'bv',
  'nv',
  'ab',
  'oy',
  'as',
  'kk',
  'pte',
  'pty',
  'group',
  'holdings',
  'holding',
];

const PUNCT_OR_SPACE = /[\s\p{P}\p{S}]+/gu;

export function normaliseInvestorName(name: string): string {
  // NFKC folds full-width letters, digits and brackets (（ → ( , Ａ → A) before anything else.
  let s = name.normalize('NFKC').toLowerCase();
  // Parenthesised qualifiers ("(中国)", "(Chengdu)") describe a branch, not another investor:
  // keep their content, the brackets go with the rest of the punctuation below.
  s = s.replace(PUNCT_OR_SPACE, ' ').trim();
  for (let changed = true; changed && s.length;) {
    changed = false;
    for (const suffix of ZH_SUFFIXES) {
      if (s.endsWith(suffix) && s.length > suffix.length) {
        s = s.slice(0, -suffix.length).trim();
        changed = true;
        break;
      }
    }
    for (const suffix of EN_SUFFIXES) {
      if (s.endsWith(` ${suffix}`)) {
        s = s.slice(0, -suffix.length - 1).trim();
        changed = true;
        break;
      }
    }
  }
  const out = s.replace(/\s+/g, '');
  // A name that is nothing but a legal form still needs a comparable value.
  return out || name.normalize('NFKC').toLowerCase().replace(PUNCT_OR_SPACE, '');
}
