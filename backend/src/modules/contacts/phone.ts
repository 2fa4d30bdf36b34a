// Phone numbers in one form: E.164 with a leading +, validated and normalised by libphonenumber-js
// (Google's metadata, kept current by its maintainers). A number typed without a country code is
// read in the tenant's default country when one is given.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

export type PhoneResult = { ok: true; e164: string; waId: string; country: string | null } | { ok: false; reason: string };

/** Normalises what a person typed or a CSV holds; says in words what is wrong otherwise. */
export function normalisePhone(input: string, defaultCountry?: string | null): PhoneResult {
  const raw = input.trim();
  if (!raw) return { ok: false, reason: 'The phone number is empty.' };
  if (raw.length > 40) return { ok: false, reason: 'The phone number is too long.' };
  if (/[a-z]/i.test(raw.replace(/\s*(ext\.?|x)\s*\d+$/i, ''))) {
    return { ok: false, reason: `"${raw}" is not a phone number (it has letters in it).` };
  }
  // "0049…" is the international prefix many people type; "49…" without a + is ambiguous, so a
  // number of 11+ digits with no + and no default country is read as already international.
  let text = raw.replace(/^00/, '+');
  const digits = text.replace(/\D/g, '');
  if (!text.startsWith('+') && !defaultCountry && digits.length >= 11) text = `+${digits}`;
  const parsed = parsePhoneNumberFromString(text, (defaultCountry?.toUpperCase() as CountryCode | undefined) ?? undefined);
  if (!parsed) {
    return {
      ok: false,
      reason: text.startsWith('+')
        ? `"${raw}" is not a phone number.`
        : `"${raw}" has no country code; write it as +<country code><number>.`,
    };
  }
  if (!parsed.isValid())
    return {
      ok: false,
      reason: `"${raw}" is not a valid phone number for ${parsed.country ?? `+${parsed.countryCallingCode}`}.`,
    };
  return { ok: true, e164: parsed.number, waId: parsed.number.slice(1), country: parsed.country ?? null };
}

/**
 * The E.164 form of a WhatsApp id (digits only). WhatsApp already vouched for the number, so it is
 * kept even when our metadata would not call it valid (test and newly allocated ranges).
 */
export function phoneFromWaId(waId: string): string | null {
  const digits = waId.replace(/\D/g, '');
  if (digits.length < 6 || digits.length > 15) return null;
  return `+${digits}`;
}
