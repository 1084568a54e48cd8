import type { IdFactory } from './random';
import type { AccountSpec, ExtensionSpec, QueueSpec, SimAccount, SimExtension } from './sim-types';

const PEOPLE: [string, string][] = [
  ['Alice', 'Anderson'], ['Bob', 'Brown'], ['Carol', 'Clark'], ['Dave', 'Davis'], ['Erin', 'Evans'],
  ['Frank', 'Foster'], ['Grace', 'Garcia'], ['Henry', 'Hughes'], ['Irene', 'Ibarra'], ['Jack', 'Jensen'],
  ['Kate', 'Kim'], ['Leo', 'Lopez'], ['Mia', 'Moore'], ['Noah', 'Nguyen'], ['Olivia', 'Ortiz'], ['Paul', 'Patel'],
];

/** Accounts and their extension directories. */
export class AccountStore {
  private readonly accounts = new Map<string, SimAccount>();

  constructor(private readonly ids: IdFactory) {}

  add(spec: AccountSpec = {}): SimAccount {
    const id = spec.id ?? this.uniqueAccountId();
    if (this.accounts.has(id)) throw new Error(`account ${id} already exists`);
    const domain = `acct${id}.example.com`;
    const usedNumbers = new Set<string>();
    const extNumber = (wanted: string | undefined, base: number): string => {
      let n = wanted ?? String(base);
      for (let k = base; usedNumbers.has(n); k++) n = String(k);
      usedNumbers.add(n);
      return n;
    };

    const extensions: SimExtension[] = [];
    const userSpecs = toSpecs(spec.users, 4);
    const anyAdmin = userSpecs.some((u) => u.admin);
    userSpecs.forEach((u, i) => {
      const [first, last] = PEOPLE[i % PEOPLE.length];
      const firstName = u.firstName ?? (i < PEOPLE.length ? first : `${first}${i}`);
      const lastName = u.lastName ?? last;
      extensions.push({
        id: u.id ?? this.ids.extensionId(),
        extensionNumber: extNumber(u.extensionNumber, 101 + i),
        type: 'User',
        name: u.name ?? `${firstName} ${lastName}`,
        firstName,
        lastName,
        email: u.email ?? `${firstName}.${lastName}@${domain}`.toLowerCase(),
        status: u.status ?? 'Enabled',
        admin: u.admin ?? (!anyAdmin && i === 0),
        directNumber: u.directNumber ?? this.ids.phoneNumber(),
      });
    });
    const users = extensions.filter((e) => e.type === 'User');

    toSpecs(spec.ivrMenus, 1).forEach((m, i) => {
      const name = m.name ?? `IVR Menu ${1001 + i}`;
      extensions.push(this.nonUser(m, 'IvrMenu', name, extNumber(m.extensionNumber, 1001 + i), domain));
    });
    (toSpecs(spec.queues, 1) as QueueSpec[]).forEach((q, i) => {
      const name = q.name ?? (i === 0 ? 'Support Queue' : `Queue ${i + 1}`);
      const ext = this.nonUser(q, 'Department', name, extNumber(q.extensionNumber, 2001 + i), domain);
      ext.members = (q.members ?? users.map((u) => u.id)).map((m) => {
        const user = users.find((u) => u.id === m || u.extensionNumber === m);
        if (!user) throw new Error(`queue member ${m} is not a user of account ${id}`);
        return user.id;
      });
      extensions.push(ext);
    });

    const account: SimAccount = {
      id,
      mainNumber: spec.mainNumber ?? this.ids.phoneNumber('800'),
      extensions,
      scopes: spec.scopes,
    };
    this.accounts.set(id, account);
    return account;
  }

  get(accountId: string): SimAccount | undefined {
    return this.accounts.get(accountId);
  }

  require(accountId: string): SimAccount {
    const account = this.accounts.get(accountId);
    if (!account) throw new Error(`unknown account ${accountId}`);
    return account;
  }

  list(): SimAccount[] {
    return [...this.accounts.values()];
  }

  extension(accountId: string, extensionId: string): SimExtension | undefined {
    return this.accounts.get(accountId)?.extensions.find((e) => e.id === extensionId);
  }

  users(accountId: string): SimExtension[] {
    return this.require(accountId).extensions.filter((e) => e.type === 'User');
  }

  private nonUser(spec: ExtensionSpec, type: SimExtension['type'], name: string, number: string, domain: string): SimExtension {
    return {
      id: spec.id ?? this.ids.extensionId(),
      extensionNumber: number,
      type,
      name,
      firstName: spec.firstName ?? name,
      lastName: spec.lastName ?? '',
      email: spec.email ?? `${type.toLowerCase()}.${number}@${domain}`,
      status: spec.status ?? 'Enabled',
      admin: false,
      directNumber: spec.directNumber,
    };
  }

  private uniqueAccountId(): string {
    let id = this.ids.accountId();
    while (this.accounts.has(id)) id = this.ids.accountId();
    return id;
  }
}

function toSpecs(value: number | ExtensionSpec[] | undefined, fallback: number): ExtensionSpec[] {
  if (Array.isArray(value)) return value;
  return Array.from({ length: value ?? fallback }, () => ({}));
}
