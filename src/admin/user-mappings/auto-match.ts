/** A RingCentral user extension as auto-matching sees it. */
export interface MatchableExtension {
  extensionId: string;
  name?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
}

export interface MatchableCrmUser {
  id: string;
  name: string;
  email?: string;
}

export type MatchRule = 'email' | 'name' | 'first-last';

export interface AutoMatchResult {
  matched: { rcExtensionId: string; crmUserId: string; rule: MatchRule }[];
  /** The first rule that found anything found several CRM users: left for the admin to decide. */
  ambiguous: { rcExtensionId: string; rule: MatchRule; crmUserIds: string[] }[];
  unmatched: string[];
}

/** Case, surrounding and repeated spaces, and Unicode compatibility forms do not count; empty is missing. */
function normalise(value: string | undefined): string | undefined {
  const v = value?.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
  return v ? v : undefined;
}

function firstLast(e: MatchableExtension): string | undefined {
  const first = normalise(e.firstName);
  const last = normalise(e.lastName);
  return first && last ? `${first} ${last}` : undefined;
}

const RULES: { rule: MatchRule; extensionKey: (e: MatchableExtension) => string | undefined; crmKey: (u: MatchableCrmUser) => string | undefined }[] = [
  { rule: 'email', extensionKey: (e) => normalise(e.email), crmKey: (u) => normalise(u.email) },
  { rule: 'name', extensionKey: (e) => normalise(e.name), crmKey: (u) => normalise(u.name) },
  { rule: 'first-last', extensionKey: firstLast, crmKey: (u) => normalise(u.name) },
];

/**
 * App Connect's user auto-mapping: email, then the exact display name, then "first last". A missing value never
 * matches anything (an extension without email is not matched to a CRM user without email). Several CRM users may
 * own one extension's calls only by the admin's choice: when the first rule that finds anyone finds several, the
 * extension is reported as ambiguous and left unmapped, rather than guessed at or matched by a weaker rule.
 * Several extensions may match one CRM user.
 */
export function autoMatch(extensions: MatchableExtension[], crmUsers: MatchableCrmUser[]): AutoMatchResult {
  const result: AutoMatchResult = { matched: [], ambiguous: [], unmatched: [] };
  const indexes = RULES.map(({ crmKey }) => {
    const index = new Map<string, string[]>();
    for (const user of crmUsers) {
      const key = crmKey(user);
      if (key) index.set(key, [...(index.get(key) ?? []), user.id]);
    }
    return index;
  });
  for (const extension of extensions) {
    let decided = false;
    for (let i = 0; i < RULES.length && !decided; i++) {
      const key = RULES[i]!.extensionKey(extension);
      const candidates = key ? (indexes[i]!.get(key) ?? []) : [];
      if (candidates.length === 1) result.matched.push({ rcExtensionId: extension.extensionId, crmUserId: candidates[0]!, rule: RULES[i]!.rule });
      else if (candidates.length > 1) result.ambiguous.push({ rcExtensionId: extension.extensionId, rule: RULES[i]!.rule, crmUserIds: candidates });
      decided = candidates.length > 0;
    }
    if (!decided) result.unmatched.push(extension.extensionId);
  }
  return result;
}
