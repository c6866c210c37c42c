import { writeFileSync } from 'fs';
import { join, sep } from 'path';
import { pinyin } from 'pinyin-pro';

/**
 * `npm run gen:regions`: writes libs/leads/region-names.json, the region names that investor
 * name cores drop (DESIGN §7), from the national administrative-division list of the
 * `china-area-data` package (National Bureau of Statistics codes; provinces, prefecture-level
 * cities and counties) and their pinyin (`pinyin-pro`) for English names. Both packages are
 * development dependencies: the service loads only the generated file. A unit test checks that
 * the committed file is what this script writes.
 */

type AreaData = Record<string, Record<string, string>>;

/** NBS placeholders and zones that are no administrative division of their own. */
const NOT_A_REGION =
  /^(市辖区|县|省直辖县级行政区划|自治区直辖县级行政区划)$|开发区|园区|管理区|示范区|实验区|海域|直辖/;
/** Province codes of the four municipalities, whose districts count as cities for English names. */
const MUNICIPALITIES = ['110000', '120000', '310000', '500000'];
/** Taiwan, Hong Kong, Macau: their own romanisations, not pinyin, below the province level. */
const NOT_PINYIN = ['710000', '810000', '820000'];

/** The 55 minority peoples named in autonomous-division names (…族自治州, 蒙古自治州 …). */
// prettier-ignore
const PEOPLES = [
  '蒙古', '回', '藏', '维吾尔', '苗', '彝', '壮', '布依', '朝鲜', '满', '侗', '瑶', '白', '土家', '哈尼',
  '哈萨克', '傣', '黎', '傈僳', '佤', '畲', '高山', '拉祜', '水', '东乡', '纳西', '景颇', '柯尔克孜', '土',
  '达斡尔', '仫佬', '羌', '布朗', '撒拉', '毛南', '仡佬', '锡伯', '阿昌', '普米', '塔吉克', '怒', '乌孜别克',
  '俄罗斯', '鄂温克', '德昂', '保安', '裕固', '京', '塔塔尔', '独龙', '鄂伦春', '赫哲', '门巴', '珞巴', '基诺', '各',
];
const AUTONOMOUS = new RegExp(`^(.{2,}?)(?:(?:${PEOPLES.join('|')})族?)+自治(?:区|州|县|旗)$`);
const SUFFIX = /^(.{2,}?)(?:特别行政区|自治区|地区|林区|新区|省|市|区|县|旗|盟|州)$/;

/** Province-level names whose short form is not the name less a suffix. */
const PROVINCE_SHORT: Record<string, string> = {
  内蒙古自治区: '内蒙古',
  广西壮族自治区: '广西',
  西藏自治区: '西藏',
  宁夏回族自治区: '宁夏',
  新疆维吾尔自治区: '新疆',
  香港特别行政区: '香港',
  澳门特别行政区: '澳门',
};

/** Conventional English names where they are not the plain pinyin (or in addition to it). */
const ENGLISH: Record<string, string[]> = {
  陕西: ['shaanxi'],
  内蒙古: ['inner mongolia', 'neimenggu'],
  西藏: ['tibet', 'xizang'],
  香港: ['hong kong', 'hongkong'],
  澳门: ['macau', 'macao'],
  台湾: ['taiwan'],
  呼和浩特: ['hohhot'],
  乌鲁木齐: ['urumqi'],
  哈尔滨: ['harbin'],
  拉萨: ['lhasa'],
  喀什: ['kashgar', 'kashi'],
};

/** The short form of a division name: 江苏省 → 江苏, 阿坝藏族羌族自治州 → 阿坝; null if under 2 characters. */
export function shortRegionName(name: string): string | null {
  const short = PROVINCE_SHORT[name] ?? AUTONOMOUS.exec(name)?.[1] ?? SUFFIX.exec(name)?.[1] ?? null;
  return short && short.length >= 2 && short !== name ? short : null;
}

export interface RegionNames {
  source: string;
  /** Chinese names with and without their suffix, longest first. */
  zh: string[];
  /** English names (lower case, words separated by one space) of provinces, prefecture-level cities and the districts of the four municipalities. */
  en: string[];
}

export function buildRegionNames(): RegionNames {
  const data = require('china-area-data/data.json') as AreaData;
  const zh = new Set<string>();
  const english = new Set<string>();
  const provinces = Object.keys(data['86']);
  // Prefecture level: the children of each province; in the municipalities (北京, 天津, 上海,
  // 重庆) that level is a placeholder and their districts play the part of cities.
  const cityLevel = new Set<string>();
  for (const p of provinces) {
    if (NOT_PINYIN.includes(p)) continue;
    for (const [code, name] of Object.entries(data[p] ?? {})) {
      if (!NOT_A_REGION.test(name)) cityLevel.add(code);
      else if (MUNICIPALITIES.includes(p))
        for (const district of Object.keys(data[code] ?? {})) cityLevel.add(district);
    }
  }
  const addEnglish = (name: string) => {
    const short = shortRegionName(name) ?? name;
    // Under four letters (aba, ali) a pinyin name is too likely a word of a foreign name.
    for (const en of ENGLISH[short] ?? [pinyin(short, { toneType: 'none', type: 'array' }).join('')])
      if (en.length >= 4) english.add(en.toLowerCase());
  };
  for (const [parent, children] of Object.entries(data)) {
    for (const [code, name] of Object.entries(children)) {
      if (NOT_A_REGION.test(name) || name.length < 2) continue;
      zh.add(name);
      const short = shortRegionName(name);
      if (short) zh.add(short);
      if (parent === '86' || cityLevel.has(code)) addEnglish(name);
    }
  }
  const byLength = (a: string, b: string) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0);
  const pkg = require('china-area-data/package.json') as { version: string };
  return {
    source: `china-area-data ${pkg.version} (National Bureau of Statistics division codes); English: pinyin-pro, conventional names where they differ`,
    zh: [...zh].sort(byLength),
    en: [...english].sort(byLength),
  };
}

/** The repository root, from scripts/ or from the compiled dist/scripts/. */
const ROOT = __dirname.includes(`${sep}dist${sep}`) ? join(__dirname, '..', '..') : join(__dirname, '..');
export const REGION_NAMES_FILE = join(ROOT, 'libs', 'leads', 'region-names.json');

export function regionNamesJson(): string {
  return `${JSON.stringify(buildRegionNames(), null, 1)}\n`;
}

if (require.main === module) {
  writeFileSync(REGION_NAMES_FILE, regionNamesJson());
  console.log(`wrote ${REGION_NAMES_FILE}`);
}
