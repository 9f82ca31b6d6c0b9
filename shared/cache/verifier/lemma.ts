/**
 * @module
 * One key per word form, so "accounts" meets "account" and "bought" meets "buy": the Porter
 * stemmer (npm `stemmer`, 4 KB, pure ESM, runs anywhere) after a small table of irregular forms
 * the stemmer cannot know. The keys are only compared with each other, never shown.
 */
import { stemmer } from "stemmer";
import { boundedCache } from "../bounded-cache.ts";

/** Irregular plurals and verb forms common in requests; regular ones are the stemmer's job. */
const IRREGULAR: Record<string, string> = {};
for (const group of (
  "man men|woman women|child children|person people persons|foot feet|tooth teeth|mouse mice|goose geese|" +
  "go went gone goes|run ran|see saw seen|buy bought|sell sold|win won|lose lost|give gave given|take took taken|" +
  "make made|get got gotten|come came|begin began begun|rise rose risen|fall fell fallen|grow grew grown|sit sat|" +
  "stand stood|write wrote written|eat ate eaten|drink drank drunk|swim swam swum|sleep slept|wake woke woken|" +
  "find found|forget forgot forgotten|send sent|lend lent|hold held|keep kept|tell told|say said|think thought|" +
  "bring brought|catch caught|teach taught|fight fought|hide hid hidden|ride rode ridden|drive drove driven|" +
  "fly flew flown|throw threw thrown|break broke broken|choose chose chosen|speak spoke spoken|wear wore worn|" +
  "pay paid|meet met|lead led|build built|spend spent|feel felt|mean meant|hear heard|understand understood|" +
  "be is are was were am been being|have has had|do does did done|freeze froze frozen|shrink shrank shrunk|" +
  "sink sank sunk|sing sang sung|begin began|dig dug|feed fed|bite bit bitten|shoot shot|strike struck|" +
  "slide slid|spin spun|steal stole stolen|swing swung|tear tore torn|wind wound|draw drew drawn|know knew known|" +
  "blow blew blown|show showed shown|leave leaves leaving|left left"
).split("|")) {
  const [base, ...forms] = group.split(" ");
  if (base !== undefined) {
    for (const form of [base, ...forms]) {
      IRREGULAR[form] = base;
    }
  }
}

/** Recent words → keys: requests repeat a small vocabulary, and stemming allocates. Bounded, LRU. */
const MEMO = boundedCache<string, string>({ max: 20_000 });

/** The comparison key of a lower-case word. */
export function lemma(lower: string): string {
  const known = MEMO.get(lower);
  if (known !== undefined) {
    return known;
  }
  // Hyphens and dots stay inside the key ("two-factor", "node.js"): only letter runs are stemmed.
  const key = IRREGULAR[lower] ?? (/^[a-z]+$/.test(lower) ? stemmer(lower) : lower);
  MEMO.set(lower, key);
  return key;
}
