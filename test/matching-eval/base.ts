import { recordRng, recordUuid } from '../../libs/demo/random';

/**
 * The fixed, demo-like enterprise base the matching evaluation scores against: every segment has
 * a few to a dozen enterprises in each city, so a lead has more candidates than places and the
 * ranking decides what a manager sees. Deterministic: record `i` depends only on the seed and `i`.
 *
 * It is built without the chain edges of the reference data (those are what the evaluation
 * checks): what an enterprise makes, and what it declares it buys, come from the small
 * bills of materials below, written from industry knowledge.
 */
export const EVAL_SEED = 20_261_203;

export interface EvalEnterprise {
  id: string;
  name: string;
  jurisdiction: 'beibei' | 'mianyang';
  segments: string[];
  needs: string[];
  chainLeader: boolean;
  revenueWan: number | null;
  employees: number | null;
}

/** What an enterprise of each segment buys (its declared needs are drawn from here). */
export const PURCHASES: Readonly<Record<string, readonly string[]>> = {
  'ngit.semi-materials': ['nmat.electronic-chemicals', 'nmat.chemical-raw', 'nmat.metal-raw'],
  'ngit.semi-equipment': ['hiequip.controllers', 'hiequip.bearings', 'nmat.ceramics', 'hiequip.servo'],
  'ngit.display-materials': ['nmat.chemical-raw', 'nmat.polymers'],
  'ngit.ic-design': ['ngit.ic-fab', 'ngit.ic-packaging', 'ngit.software-cloud'],
  'ngit.ic-fab': ['ngit.semi-materials', 'ngit.semi-equipment', 'nmat.electronic-chemicals'],
  'ngit.ic-packaging': ['ngit.ic-fab', 'ngit.semi-materials', 'ngit.semi-equipment', 'ngit.pcb'],
  'ngit.sensors': ['ngit.ic-fab', 'ngit.ic-packaging', 'nmat.ceramics'],
  'ngit.display-panel': ['ngit.display-materials', 'ngit.ic-design', 'nmat.electronic-chemicals'],
  'ngit.pcb': ['nmat.electronic-chemicals', 'nmat.polymers', 'nmat.advanced-alloys'],
  'ngit.devices': ['ngit.ic-design', 'ngit.ic-packaging', 'ngit.display-panel', 'ngit.pcb', 'ngit.sensors'],
  'ngit.telecom': ['ngit.ic-packaging', 'ngit.pcb', 'ngit.ic-design', 'nmat.ceramics'],
  'ngit.software-cloud': ['ngit.telecom', 'ngit.devices'],
  'ngit.industrial-internet': ['ngit.software-cloud', 'ngit.sensors', 'ngit.telecom'],
  'nmat.metal-raw': [],
  'nmat.chemical-raw': [],
  'nmat.advanced-alloys': ['nmat.metal-raw'],
  'nmat.rare-earth-magnets': ['nmat.metal-raw'],
  'nmat.polymers': ['nmat.chemical-raw'],
  'nmat.composites': ['nmat.polymers', 'nmat.chemical-raw'],
  'nmat.ceramics': ['nmat.chemical-raw', 'nmat.metal-raw'],
  'nmat.graphene': ['nmat.metal-raw', 'nmat.chemical-raw'],
  'nmat.electronic-chemicals': ['nmat.chemical-raw'],
  'nmat.testing-services': ['hiequip.instruments'],
  'biomed.reagents': ['nmat.chemical-raw'],
  'biomed.api': ['nmat.chemical-raw', 'biomed.pharma-equipment'],
  'biomed.pharma-equipment': ['nmat.advanced-alloys', 'nmat.polymers', 'hiequip.controllers'],
  'biomed.cro': ['biomed.reagents'],
  'biomed.innovative-drugs': ['biomed.cro', 'biomed.cdmo', 'biomed.api', 'biomed.reagents'],
  'biomed.generics': ['biomed.api', 'biomed.pharma-equipment'],
  'biomed.tcm': ['biomed.pharma-equipment'],
  'biomed.medical-devices': ['ngit.sensors', 'nmat.polymers', 'ngit.pcb', 'nmat.advanced-alloys'],
  'biomed.ivd': ['biomed.reagents', 'nmat.polymers'],
  'biomed.cdmo': ['biomed.pharma-equipment', 'biomed.reagents', 'biomed.api'],
  'biomed.distribution': [
    'biomed.generics',
    'biomed.innovative-drugs',
    'biomed.tcm',
    'biomed.medical-devices',
    'biomed.ivd',
  ],
  'biomed.healthcare-services': [
    'biomed.medical-devices',
    'biomed.ivd',
    'biomed.distribution',
    'ngit.software-cloud',
  ],
  'nev.battery-minerals': ['nev.battery-recycling'],
  'nev.cathode': ['nev.battery-minerals', 'nmat.chemical-raw', 'nev.battery-recycling'],
  'nev.anode': ['nmat.chemical-raw', 'nmat.metal-raw', 'nmat.graphene'],
  'nev.electrolyte': ['nmat.chemical-raw'],
  'nev.separator': ['nmat.polymers', 'nmat.ceramics'],
  'nev.battery-cell': ['nev.cathode', 'nev.anode', 'nev.electrolyte', 'nev.separator'],
  'nev.battery-pack': ['nev.battery-cell', 'nmat.advanced-alloys'],
  'nev.e-drive': ['nev.power-semi', 'nmat.rare-earth-magnets', 'nmat.advanced-alloys'],
  'nev.power-semi': ['ngit.ic-fab', 'ngit.semi-materials'],
  'nev.smart-cockpit': ['ngit.ic-design', 'ngit.display-panel', 'ngit.software-cloud', 'ngit.pcb'],
  'nev.auto-sensors': ['ngit.sensors', 'ngit.ic-design'],
  'nev.vehicle': [
    'nev.battery-pack',
    'nev.battery-cell',
    'nev.e-drive',
    'nev.smart-cockpit',
    'nev.auto-sensors',
    'nmat.advanced-alloys',
  ],
  'nev.charging': ['nev.power-semi', 'nev.battery-pack'],
  'nev.battery-recycling': ['nev.battery-pack', 'nev.battery-cell'],
  'hiequip.reducers': ['nmat.advanced-alloys', 'hiequip.bearings'],
  'hiequip.servo': ['nmat.rare-earth-magnets', 'nev.power-semi'],
  'hiequip.controllers': ['ngit.ic-packaging', 'ngit.pcb'],
  'hiequip.bearings': ['nmat.advanced-alloys'],
  'hiequip.machine-tools': ['hiequip.controllers', 'hiequip.servo', 'hiequip.bearings'],
  'hiequip.robots': ['hiequip.reducers', 'hiequip.servo', 'hiequip.controllers'],
  'hiequip.instruments': ['ngit.sensors', 'ngit.pcb'],
  'hiequip.aerospace': ['nmat.advanced-alloys', 'nmat.composites', 'hiequip.machine-tools'],
  'hiequip.rail': ['hiequip.bearings', 'nev.power-semi', 'nmat.advanced-alloys'],
  'hiequip.drones': ['nmat.composites', 'nev.battery-cell', 'ngit.sensors'],
  'hiequip.system-integration': ['hiequip.robots', 'hiequip.controllers', 'hiequip.instruments'],
  'hiequip.smart-factory': ['hiequip.system-integration', 'ngit.industrial-internet', 'ngit.software-cloud'],
};

/** Common vertical integrations: an enterprise of one often also makes the other. */
const INTEGRATED: readonly [string, string][] = [
  ['nev.battery-minerals', 'nev.cathode'],
  ['nev.battery-cell', 'nev.battery-pack'],
  ['nev.vehicle', 'nev.battery-pack'],
  ['nev.e-drive', 'nev.power-semi'],
  ['nev.auto-sensors', 'nev.smart-cockpit'],
  ['ngit.ic-fab', 'ngit.ic-packaging'],
  ['ngit.ic-design', 'ngit.ic-fab'],
  ['ngit.devices', 'ngit.telecom'],
  ['ngit.software-cloud', 'ngit.industrial-internet'],
  ['nmat.metal-raw', 'nmat.advanced-alloys'],
  ['nmat.chemical-raw', 'nmat.polymers'],
  ['nmat.chemical-raw', 'nmat.electronic-chemicals'],
  ['nmat.polymers', 'nmat.composites'],
  ['biomed.cro', 'biomed.cdmo'],
  ['biomed.api', 'biomed.generics'],
  ['biomed.medical-devices', 'biomed.ivd'],
  ['biomed.distribution', 'biomed.healthcare-services'],
  ['hiequip.servo', 'hiequip.controllers'],
  ['hiequip.robots', 'hiequip.system-integration'],
  ['hiequip.system-integration', 'hiequip.smart-factory'],
];

const CITIES = ['beibei', 'mianyang'] as const;
const CITY_ZH = { beibei: '北碚', mianyang: '绵阳' } as const;

/**
 * The evaluation base over `segments` (code and Chinese name): for each segment and city, 3 to 12
 * enterprises; one in sixteen a chain leader; revenue log-uniform (300 万 to 30 亿, chain leaders
 * 20 亿 to 500 亿), a few without a recorded revenue or head count; half declare what they buy.
 */
export function buildEvalBase(
  segments: readonly { code: string; name: string }[],
  seed = EVAL_SEED,
): EvalEnterprise[] {
  const all = segments.map((s) => s.code);
  const out: EvalEnterprise[] = [];
  let index = 0;
  for (const [si, segment] of segments.entries()) {
    for (const [ci, city] of CITIES.entries()) {
      const count = recordRng(seed, si * 2 + ci, 11).int(3, 12);
      for (let n = 1; n <= count; n++, index++) {
        const rng = recordRng(seed, index, 12);
        const chainLeader = rng.chance(1 / 16);
        const revenue = Math.round(
          chainLeader ? rng.logUniform(200_000, 5_000_000) : rng.logUniform(300, 300_000),
        );
        const employees = Math.min(60_000, Math.max(8, Math.round(revenue / rng.logUniform(60, 250))));
        const unknown = rng.next();
        const made = [segment.code];
        const partner = INTEGRATED.filter(([a, b]) => a === segment.code || b === segment.code);
        if (partner.length && rng.chance(0.25)) {
          const [a, b] = rng.pick(partner);
          made.push(a === segment.code ? b : a);
        }
        const buys = (PURCHASES[segment.code] ?? []).filter((s) => !made.includes(s));
        const needs =
          rng.chance(0.5) && buys.length ? rng.sample(buys, rng.int(1, Math.min(2, buys.length))) : [];
        if (rng.chance(0.08)) {
          const odd = rng.pick(all);
          if (!made.includes(odd) && !needs.includes(odd)) needs.push(odd);
        }
        out.push({
          id: recordUuid(seed, 13, index),
          name: `${CITY_ZH[city]}·${segment.name}·${String(n).padStart(2, '0')}`,
          jurisdiction: city,
          segments: made,
          needs,
          chainLeader,
          revenueWan: unknown < 0.05 ? null : revenue,
          employees: unknown < 0.02 ? null : employees,
        });
      }
    }
  }
  return out;
}
