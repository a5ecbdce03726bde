import type { PathReply, PathRule } from '@portcullis/domain';

/** A reply (Tyk's `reply` method action) is answered with its mock. */
export type PathDecision = 'ok' | 'ignored' | 'forbidden' | PathReply;

/**
 * Tyk's URLAllowedAndIgnored over one version's rules: the first entry whose pattern matches one
 * of the candidate paths and that applies to the method decides (ignored: served without a
 * credential; black list: forbidden; white list: served). Nothing matched: forbidden under a
 * white list, served otherwise. Candidates are the forms Tyk tries: the path below the listen
 * path, the same without the URL version segment, and the full request path.
 */
export function decidePath(
  rules: readonly PathRule[],
  whiteListed: boolean,
  below: string,
  versionless: string | null,
  full: string,
  method: string,
): PathDecision {
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    const pattern = rule.pattern;
    if (!(pattern.test(below) || (versionless !== null && pattern.test(versionless)) || (full !== below && pattern.test(full)))) continue;
    let blocked = false;
    if (rule.methods !== null) {
      const action = rule.methods.get(method);
      if (action === undefined) continue;
      // Tyk looks at the method action before the list: a reply is answered on any list.
      if (rule.replies !== null) {
        const reply = rule.replies.get(method);
        if (reply !== undefined) return reply;
      }
      blocked = action;
    }
    if (blocked || rule.list === 'black_list') return 'forbidden';
    return rule.list === 'ignored' ? 'ignored' : 'ok';
  }
  return whiteListed ? 'forbidden' : 'ok';
}
