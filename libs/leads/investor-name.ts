import regionNames from './region-names.json';

/**
 * Investor name cores and when two of them name the same investor (DESIGN §7): the one place of
 * that rule. `normaliseInvestorName` gives the core that is stored in `leads.investor_norm` on
 * every write; `coresCollide` decides a pair; `coresCollideSql` is the same decision in SQL, which
 * the collision detector filters its candidates with (test/investor-core-sql.e2e-spec.ts proves
 * the two agree on the table of libs/collisions/investor-name.spec.ts).
 *
 * The core of "江苏锐能动力电池股份有限公司" is "锐能动力电池": the legal form goes, and so do
 * leading and bracketed region names (江苏, 江苏省, 深圳市, （成都）, Chongqing …, from the national
 * administrative-division list in region-names.json), letter case, width, spaces and punctuation.
 * A region is part of the name, not dropped, when what would remain is only generic words of an
 * industry (四川动力电池 stays 四川动力电池: without its region it would be every battery maker).
 */

/** pg_trgm similarity of two cores from which they name the same investor. */
export const NAME_SIMILARITY_THRESHOLD = 0.6;
/** The shorter core must have this many characters to count when contained in the longer one. */
export const MIN_CONTAINED_CORE = 4;

/** Chinese legal forms, longest first so that 股份有限公司 is removed before 有限公司. */
const ZH_SUFFIXES = [
  '集团股份有限公司',
  '集团有限责任公司',
  '特殊普通合伙企业',
  '集团有限公司',
  '股份有限公司',
  '有限责任公司',
  '有限合伙企业',
  '普通合伙企业',
  '有限公司',
  '股份公司',
  '控股集团',
  '集团公司',
  '有限合伙',
  '普通合伙',
  '集团',
  '公司',
];

/** A branch (分公司) belongs to its company: "…有限公司成都分公司" is that company. */
const ZH_BRANCHES = ['分公司', '子公司', '办事处', '分厂', '分部'];

/** Latin legal forms as whole trailing words (after punctuation became spaces), with that space. */
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
].map((suffix) => ` ${suffix}`);

/** Bracketed words that qualify a name without naming another investor. */
const BRACKET_QUALIFIERS = new Set([
  '中国',
  'china',
  'prc',
  '筹',
  '筹建',
  '筹备',
  '集团',
  '有限合伙',
  '普通合伙',
  '特殊普通合伙',
]);

/** Words an English region name may carry after it ("Chongqing City", "Sichuan Province"). */
const EN_REGION_WORDS = new Set(['province', 'city', 'municipality', 'district', 'county', 'prefecture']);

/**
 * Words of an industry, not of an investor: a core made of nothing else does not identify one.
 * Such a core is never matched by containment (锐能动力电池 contains 动力电池), and a region is kept
 * when dropping it would leave only these. Lower case; the English ones are matched with the
 * spaces removed, as in a core.
 */
// prettier-ignore
export const GENERIC_WORDS = [
  // zh
  '科技', '技术', '信息', '网络', '软件', '电子', '智能', '数字', '数据', '云', '新能源', '能源', '动力', '电池',
  '储能', '锂电', '光电', '光伏', '电气', '电力', '电器', '电机', '汽车', '零部件', '配件', '新材料', '材料',
  '化工', '化学', '生物', '医药', '制药', '药业', '医疗', '器械', '健康', '装备', '设备', '制造', '智造', '机械',
  '精密', '工业', '实业', '产业', '投资', '控股', '股份', '发展', '贸易', '商贸', '工贸', '进出口', '国际',
  '环保', '环境', '建设', '工程', '建筑', '地产', '置业', '物流', '供应链', '服务', '管理', '咨询', '半导体',
  '集成电路', '芯片', '微电子', '通信', '通讯', '传感', '传感器', '仪器', '仪表', '自动化', '机器人', '航空',
  '航天', '检测', '食品', '农业', '金融', '资本', '基金', '创新', '研究院', '研究所', '中心', '高新', '有色',
  '金属', '钢铁', '光学', '显示', '系统', '办公', '开发', '应用', '产品', '制品', '文化', '传媒', '交通', '运输',
  '商务', '石油', '石化', '矿业', '水务', '燃气', '安防', '照明', '塑料', '橡胶', '玻璃', '陶瓷', '包装', '重工',
  '新', '高',
  // en
  'technology', 'technologies', 'tech', 'information', 'network', 'software', 'electronics', 'electronic',
  'electric', 'electrical', 'intelligent', 'smart', 'digital', 'data', 'cloud', 'new', 'energy', 'power',
  'battery', 'batteries', 'storage', 'lithium', 'solar', 'motor', 'motors', 'automotive', 'auto',
  'automobile', 'vehicle', 'vehicles', 'parts', 'materials', 'material', 'chemical', 'chemicals', 'bio',
  'biotech', 'biological', 'pharmaceutical', 'pharmaceuticals', 'pharma', 'medical', 'medicine', 'health',
  'healthcare', 'equipment', 'manufacturing', 'machinery', 'precision', 'industrial', 'industries',
  'industry', 'investment', 'investments', 'development', 'trading', 'trade', 'international', 'global',
  'environmental', 'engineering', 'construction', 'logistics', 'services', 'service', 'management',
  'consulting', 'semiconductor', 'semiconductors', 'microelectronics', 'communication', 'communications',
  'sensor', 'sensors', 'instruments', 'automation', 'robotics', 'aviation', 'aerospace', 'testing', 'foods',
  'food', 'science', 'sciences', 'systems', 'system', 'products', 'optical', 'display',
] as const;

const GENERIC = new Set<string>(GENERIC_WORDS);
const GENERIC_MAX = Math.max(...GENERIC_WORDS.map((w) => w.length));
/**
 * The same test in PostgreSQL: `core ~ GENERIC_ONLY_SQL_PATTERN` (letters only: nothing to
 * escape). Postgres's regex engine is not a backtracking one; in JavaScript the test is a split
 * over the word set instead (a backtracking regex would take exponential time on 新能源新能源…x).
 */
export const GENERIC_ONLY_SQL_PATTERN = `^(?:${[...GENERIC].sort((a, b) => b.length - a.length).join('|')})+$`;

const ZH_REGIONS = new Set(regionNames.zh);
const ZH_REGION_MAX = Math.max(...regionNames.zh.map((n) => n.length));
/** First characters of region names: most names start with none of them (no lookups needed). */
const ZH_REGION_FIRST = new Set(regionNames.zh.map((n) => n[0]));
/** English region names as word lists, longest first ("inner mongolia" before any one word). */
const EN_REGIONS = regionNames.en.map((n) => n.split(' ')).sort((a, b) => b.length - a.length);

const PUNCT_OR_SPACE = /[\s\p{P}\p{S}]+/gu;
const NFKC_STABLE = /^[\x20-\x7e\u4e00-\u9fff]*$/;
const NOT_CORE_CHAR = /[^\p{L}\p{N}]+/gu;

const chars = (s: string) => [...s].length;

/** Made only of generic industry words (科技, 动力电池, technology …): names no investor by itself. */
export function isGenericCore(core: string): boolean {
  if (!core) return false;
  // splits[i]: core[0, i) is a sequence of generic words.
  const splits = new Array<boolean>(core.length + 1).fill(false);
  splits[0] = true;
  for (let i = 1; i <= core.length; i++) {
    for (let n = 1; n <= Math.min(GENERIC_MAX, i) && !splits[i]; n++) {
      splits[i] = splits[i - n] && GENERIC.has(core.slice(i - n, i));
    }
  }
  return splits[core.length];
}

/** What may stay of a name once a region is dropped: two characters or more, not only generic words. */
function identifies(rest: string): boolean {
  const core = rest.replace(NOT_CORE_CHAR, '');
  return chars(core) >= 2 && !isGenericCore(core);
}

/** The longest Chinese region name that `word` starts with, or 0. */
function zhRegionPrefix(word: string): number {
  if (!ZH_REGION_FIRST.has(word[0])) return 0;
  for (let n = Math.min(ZH_REGION_MAX, word.length - 1); n >= 2; n--) {
    if (ZH_REGIONS.has(word.slice(0, n))) return n;
  }
  return 0;
}

/** The number of leading words of `words` that form an English region name (with "city" etc.), or 0. */
function enRegionPrefix(words: string[]): number {
  for (const region of EN_REGIONS) {
    if (region.length < words.length && region.every((w, i) => words[i] === w)) {
      return EN_REGION_WORDS.has(words[region.length]) && region.length + 1 < words.length
        ? region.length + 1
        : region.length;
    }
  }
  return 0;
}

/**
 * Drops leading region names while the rest still names an investor. English names carry one
 * place at most ("Sichuan Kelun …"): a second pinyin word is more likely the trade name
 * ("Inner Mongolia Yili …": 伊利, not the prefecture 伊犁).
 */
function dropLeadingRegions(words: string[]): string[] {
  const en = enRegionPrefix(words);
  if (en && identifies(words.slice(en).join(''))) return words.slice(en);
  for (let changed = true; changed && words.length;) {
    changed = false;
    const zh = zhRegionPrefix(words[0]);
    if (zh) {
      const rest = [words[0].slice(zh), ...words.slice(1)].filter(Boolean);
      if (identifies(rest.join(''))) {
        words = rest;
        changed = true;
      }
    }
  }
  return words;
}

/** A bracket that says where (（成都）, (Chongqing City)), or qualifies (（中国）, （筹）), not who. */
function isQualifier(inner: string): boolean {
  const words = inner.split(PUNCT_OR_SPACE).filter(Boolean);
  if (!words.length || BRACKET_QUALIFIERS.has(words.join(''))) return true;
  // Only region names, possibly several (（四川成都）, （重庆市北碚区）).
  let rest = words.join(' ');
  for (let progress = true; rest && progress;) {
    progress = false;
    const ws = rest.split(' ');
    const en = EN_REGIONS.find((r) => r.length <= ws.length && r.every((w, i) => ws[i] === w));
    if (en) {
      const n = en.length + (EN_REGION_WORDS.has(ws[en.length]) ? 1 : 0);
      rest = ws.slice(n).join(' ');
      progress = true;
      continue;
    }
    for (let n = Math.min(ZH_REGION_MAX, ws[0].length); n >= 2; n--) {
      if (ZH_REGIONS.has(ws[0].slice(0, n))) {
        rest = [ws[0].slice(n), ...ws.slice(1)].filter(Boolean).join(' ');
        progress = true;
        break;
      }
    }
  }
  return !rest;
}

/** Drops trailing legal forms (and a branch's 分公司 with its region) from a space-separated name. */
function dropLegalForms(s: string): string {
  for (let changed = true; changed && s.length;) {
    changed = false;
    for (const branch of ZH_BRANCHES) {
      if (s.endsWith(branch) && s.length > branch.length) {
        s = s.slice(0, -branch.length).trim();
        // "…有限公司成都" → "…有限公司": the branch's region, once the legal form precedes it.
        for (let n = Math.min(ZH_REGION_MAX, s.length - 1); n >= 2; n--) {
          const tail = s.slice(-n);
          if (ZH_REGIONS.has(tail) && ZH_SUFFIXES.some((x) => s.slice(0, -n).trimEnd().endsWith(x))) {
            s = s.slice(0, -n).trim();
            break;
          }
        }
        changed = true;
        break;
      }
    }
    for (const suffix of ZH_SUFFIXES) {
      if (s.endsWith(suffix) && s.length > suffix.length) {
        s = s.slice(0, -suffix.length).trim();
        changed = true;
        break;
      }
    }
    for (const suffix of EN_SUFFIXES) {
      if (s.endsWith(suffix)) {
        s = s.slice(0, -suffix.length).trim();
        changed = true;
        break;
      }
    }
  }
  return s;
}

/**
 * The core of an investor's name (DESIGN §7), stored in `leads.investor_norm`: lower case,
 * letters and digits only, without legal form, leading region names and bracketed qualifiers.
 * Never empty for a name with a letter or digit; idempotent.
 */
export function normaliseInvestorName(name: string): string {
  // NFKC folds full-width letters, digits and brackets (（ → ( , Ａ → A) before anything else.
  // ASCII and the CJK unified ideographs are already in that form (and NFKC is slow).
  const folded = NFKC_STABLE.test(name) ? name : name.normalize('NFKC');
  let s = folded
    .toLowerCase()
    .replace(/[【〔[{]/g, '(')
    .replace(/[】〕\]}]/g, ')');
  // Bracketed regions and qualifiers go; any other bracket keeps its content ("(香港)" vs "(控股)").
  s = s.replace(/\(([^()]*)\)/g, (_, inner: string) => (isQualifier(inner) ? ' ' : ` ${inner} `));
  s = dropLegalForms(s.replace(PUNCT_OR_SPACE, ' ').trim());
  const core = dropLeadingRegions(s.split(' ').filter(Boolean)).join('').replace(NOT_CORE_CHAR, '');
  // A name that is nothing but a legal form or a region still needs a comparable value.
  return core || folded.toLowerCase().replace(NOT_CORE_CHAR, '');
}

/**
 * pg_trgm's trigrams of a core (one word: letters and digits only): the word padded with two
 * spaces in front and one behind, every three consecutive characters, each once.
 */
function trigrams(core: string): Set<string> {
  const c = ['  ', ...core, ' '].join('');
  const cs = [...c];
  const out = new Set<string>();
  for (let i = 0; i + 3 <= cs.length; i++) out.add(cs.slice(i, i + 3).join(''));
  return out;
}

/** pg_trgm `similarity` of two cores, in its single precision. */
export function coreSimilarity(a: string, b: string): number {
  const ta = trigrams(a);
  const tb = trigrams(b);
  let common = 0;
  for (const t of ta) if (tb.has(t)) common++;
  const union = ta.size + tb.size - common;
  return union === 0 ? 0 : Math.fround(common / union);
}

/** `inner` counts as contained in `outer`: long enough, not generic, and a substring of it. */
function contains(outer: string, inner: string): boolean {
  return chars(inner) >= MIN_CONTAINED_CORE && !isGenericCore(inner) && outer.includes(inner);
}

/** Do two cores name the same investor (DESIGN §7)? */
export function coresCollide(a: string, b: string): boolean {
  return coreSimilarity(a, b) >= Math.fround(NAME_SIMILARITY_THRESHOLD) || contains(a, b) || contains(b, a);
}

const containsSql = (outer: string, inner: string) =>
  `(char_length(${inner}) >= ${MIN_CONTAINED_CORE} AND ${inner} !~ '${GENERIC_ONLY_SQL_PATTERN}' AND strpos(${outer}, ${inner}) > 0)`;

/** `coresCollide` in SQL over two text expressions (needs pg_trgm). */
export function coresCollideSql(a: string, b: string): string {
  return `(similarity(${a}, ${b}) >= ${NAME_SIMILARITY_THRESHOLD} OR ${containsSql(a, b)} OR ${containsSql(b, a)})`;
}

/**
 * The keys under which a stored core contained in `core` is found: its substrings of
 * MIN_CONTAINED_CORE characters (an index on the first MIN_CONTAINED_CORE characters of the
 * stored cores finds every core that starts at one of them; coresCollideSql then checks the
 * rest). Empty when `core` is too short to contain one.
 */
export function containedCoreKeys(core: string): string[] {
  const cs = [...core];
  const out = new Set<string>();
  for (let i = 0; i + MIN_CONTAINED_CORE <= cs.length; i++)
    out.add(cs.slice(i, i + MIN_CONTAINED_CORE).join(''));
  return [...out];
}

/** SQL of the index key containedCoreKeys is compared with, over a core expression. */
export const containedCoreKeySql = (core: string) => `left(${core}, ${MIN_CONTAINED_CORE})`;

/** The LIKE pattern that finds stored cores containing `core`, or null when it is not containable. */
export function containingPattern(core: string): string | null {
  return chars(core) >= MIN_CONTAINED_CORE && !isGenericCore(core) ? `%${core}%` : null;
}
