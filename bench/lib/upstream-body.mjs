/** The upstream's answer: 64 bytes of JSON, also what every target must return to be measured. */
const head = '{"ok":true,"service":"bench-upstream","pad":"';
const tail = '"}';
export const UPSTREAM_BODY = head + 'x'.repeat(64 - head.length - tail.length) + tail;

/** Where the upstream answers how many requests it has served (not counted itself). */
export const COUNT_PATH = '/__bench/served';
