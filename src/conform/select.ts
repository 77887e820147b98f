import type { Requirement } from './srs';
import type { Scope } from '../report/types';

export type Profile = 'core' | 'full';

export const PROFILE_SCOPES: Record<Profile, Scope[]> = {
  core: ['core'],
  full: ['core', 'app', 'client'],
};

/** What a run verifies: a server (embedded, --target, --spawn) or, with --client, a client. */
export type TargetKind = 'server' | 'client';

export interface SelectOptions {
  profile: Profile;
  /**
   * A server run selects the profile's scopes, never a requirement with `"target": "client"`;
   * a client run selects those alone, whatever the profile. Default: server.
   */
  target?: TargetKind;
  /** Globs over requirement ids (`*`, `?`); none means all. */
  req?: string[];
  exclude?: string[];
}

/** The requirements a run verifies, and the rule for which cases run. */
export interface Selection {
  /** Selected requirements of the protocol, in srs.json order. */
  requirements: Requirement[];
  /** Ids the profile covers: a case runs only if every id it names is one of these. */
  inProfile: Set<string>;
  selected: Set<string>;
}

export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

export function selectRequirements(srs: Requirement[], protocol: string, options: SelectOptions): Selection {
  const scopes = PROFILE_SCOPES[options.profile];
  const kind = options.target ?? 'server';
  const inProfile = srs.filter((r) => r.protocol === protocol && requirementTarget(r) === kind && (kind === 'client' || scopes.includes(r.scope)));
  const include = (options.req ?? []).map(globToRegExp);
  const exclude = (options.exclude ?? []).map(globToRegExp);
  const requirements = inProfile.filter(
    (r) => (include.length === 0 || include.some((re) => re.test(r.id))) && !exclude.some((re) => re.test(r.id)),
  );
  return {
    requirements,
    inProfile: new Set(inProfile.map((r) => r.id)),
    selected: new Set(requirements.map((r) => r.id)),
  };
}

/**
 * A case runs when it verifies at least one selected requirement and names nothing
 * outside the profile (an app case never runs against a server with another app).
 */
export function caseSelected(ids: string[], selection: Selection): boolean {
  return ids.length > 0 && ids.every((id) => selection.inProfile.has(id)) && ids.some((id) => selection.selected.has(id));
}

/** Which kind of run verifies a requirement: srs.json's optional `target`, server by default. */
export function requirementTarget(requirement: Requirement): TargetKind {
  return requirement.target ?? 'server';
}
