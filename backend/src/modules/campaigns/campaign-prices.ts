// What a template message costs, by pricing category and the recipient's market, in micro-units of
// the tenant's currency (integers: money is never a float). Meta bills per delivered template
// (per-message pricing since July 2025); marketing always, utility and authentication outside an
// open service window. The rates below are list prices kept as data, not code: operators can
// replace them as Meta's rate card changes.
import { getCountries, getCountryCallingCode, type CountryCode } from 'libphonenumber-js';
import ct from 'countries-and-timezones';

export type PricingCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';

/** USD micro-units per delivered message. */
export const PRICE_TABLE: Readonly<Record<string, Readonly<Record<PricingCategory, number>>>> = {
  US: { MARKETING: 25_000, UTILITY: 4_000, AUTHENTICATION: 4_000 },
  CA: { MARKETING: 25_000, UTILITY: 4_000, AUTHENTICATION: 4_000 },
  GB: { MARKETING: 52_900, UTILITY: 22_000, AUTHENTICATION: 35_800 },
  DE: { MARKETING: 136_500, UTILITY: 55_000, AUTHENTICATION: 76_800 },
  FR: { MARKETING: 85_900, UTILITY: 30_000, AUTHENTICATION: 41_500 },
  ES: { MARKETING: 61_500, UTILITY: 20_000, AUTHENTICATION: 34_000 },
  IT: { MARKETING: 69_100, UTILITY: 30_000, AUTHENTICATION: 37_500 },
  NL: { MARKETING: 159_700, UTILITY: 50_000, AUTHENTICATION: 73_400 },
  IN: { MARKETING: 10_700, UTILITY: 1_400, AUTHENTICATION: 1_400 },
  BR: { MARKETING: 62_500, UTILITY: 8_000, AUTHENTICATION: 31_500 },
  MX: { MARKETING: 30_500, UTILITY: 8_500, AUTHENTICATION: 23_000 },
  ID: { MARKETING: 41_100, UTILITY: 25_000, AUTHENTICATION: 30_000 },
};
/** Every market not listed above ("rest of world"). */
export const DEFAULT_PRICES: Readonly<Record<PricingCategory, number>> = {
  MARKETING: 60_000,
  UTILITY: 10_000,
  AUTHENTICATION: 30_000,
};

export function pricingCategory(templateCategory: string): PricingCategory {
  return templateCategory === 'UTILITY' || templateCategory === 'AUTHENTICATION' ? templateCategory : 'MARKETING';
}

export function unitPrice(country: string | null, category: PricingCategory): number {
  return ((country && PRICE_TABLE[country]) || DEFAULT_PRICES)[category];
}

// Calling codes shared by several countries name the main one; the rest take the first listed.
const MAIN_COUNTRY: Record<string, CountryCode> = {
  '1': 'US',
  '7': 'RU',
  '44': 'GB',
  '47': 'NO',
  '61': 'AU',
  '39': 'IT',
  '358': 'FI',
  '262': 'RE',
  '590': 'GP',
  '599': 'CW',
  '212': 'MA',
  '290': 'SH',
};
const BY_CODE = new Map<string, CountryCode>();
for (const country of getCountries()) {
  const code = getCountryCallingCode(country);
  if (!BY_CODE.has(code)) BY_CODE.set(code, MAIN_COUNTRY[code] ?? country);
}

/** The market of an E.164 number (or its first digits): the country of the longest matching calling code. */
export function countryOfPhone(phone: string): string | null {
  const digits = phone.replace(/^\+/, '');
  for (const n of [3, 2, 1]) {
    const c = BY_CODE.get(digits.slice(0, n));
    if (c) {
      // +1 covers Canada and the Caribbean too: they price as North America or by their own entry.
      return c;
    }
  }
  return null;
}

// Countries spanning several zones: the zone most of their people live in.
const MAIN_ZONE: Record<string, string> = {
  US: 'America/New_York',
  CA: 'America/Toronto',
  BR: 'America/Sao_Paulo',
  MX: 'America/Mexico_City',
  RU: 'Europe/Moscow',
  AU: 'Australia/Sydney',
  ID: 'Asia/Jakarta',
  KZ: 'Asia/Almaty',
  AR: 'America/Argentina/Buenos_Aires',
  CN: 'Asia/Shanghai',
  ES: 'Europe/Madrid',
  PT: 'Europe/Lisbon',
  DE: 'Europe/Berlin',
  CL: 'America/Santiago',
  EC: 'America/Guayaquil',
  NZ: 'Pacific/Auckland',
  UA: 'Europe/Kyiv',
  MN: 'Asia/Ulaanbaatar',
  CD: 'Africa/Kinshasa',
  MY: 'Asia/Kuala_Lumpur',
};

/** The time zone a recipient most likely lives in, from their number's country. */
export function timezoneOfCountry(country: string | null): string | null {
  if (!country) return null;
  if (MAIN_ZONE[country]) return MAIN_ZONE[country];
  return ct.getCountry(country)?.timezones[0] ?? null;
}
