/**
 * Small built-in lists the seed draws from. Everything here is fictional or reserved:
 * - email and web domains are the RFC 2606 reserved `example.com`, `example.org`, `example.net`;
 * - telephone numbers come only from ranges regulators publish as never assigned ("drama
 *   numbers"): Ofcom (UK: 07700 900xxx, 020 7946 0xxx, 01632 960xxx), the NANP 555-0100..0199
 *   block (US, CA), and the Bundesnetzagentur (DE: Berlin 030 23125 xxx, Frankfurt 069 90009 xxx,
 *   Hamburg 040 66969 xxx, Köln 0221 4710 xxx, München 089 99998 xxx). Countries with no
 *   published range get a UK or German drama number (an expatriate's mobile, so to speak);
 * - IP addresses come from the documentation ranges (RFC 5737, RFC 3849): see `seed.ts`;
 * - postcodes follow each country's real format and ranges for the city, streets are common
 *   street names, coordinates are near the city centre: together they look real and point nowhere.
 */
import type { ContactChannel } from "../schema/privacy.js";
import type { Rng } from "./random.js";

export type Residency = "EU" | "UK" | "US" | "CA" | "BR" | "CH";
export type Lang = "de" | "fr" | "es" | "it" | "nl" | "pt" | "pl" | "sv" | "en";

export interface City {
  name: string;
  lat: number;
  lng: number;
  /** BCP 47 tag of the usual language there. */
  locale: string;
  lang: Lang;
  postcode: (r: Rng) => string;
  /** Drama-number prefixes usable for a resident; the last digits are appended. */
  phones: readonly PhoneRange[];
  /** VAT or sales tax rate, as `numeric(5,2)` text. */
  taxRate: string;
}

export interface Country {
  code: string; // ISO 3166-1 alpha-2
  residency: Residency;
  weight: number;
  currency: string;
  cities: readonly City[];
}

export interface PhoneRange {
  prefix: string;
  /** How many digits follow the prefix. */
  digits: number;
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");
const digits = (lo: number, hi: number, width: number) => (r: Rng) => pad(r.int(lo, hi), width);
const oneOf =
  (...values: string[]) =>
  (r: Rng) =>
    r.pick(values);

// ---- telephone numbers: fiction ranges only --------------------------------------------------

export const UK_PHONES: readonly PhoneRange[] = [
  { prefix: "+44 7700 900", digits: 3 },
  { prefix: "+44 20 7946 0", digits: 3 },
  { prefix: "+44 1632 960", digits: 3 },
];
const DE_BERLIN = { prefix: "+49 30 23125 ", digits: 3 };
const DE_FRANKFURT = { prefix: "+49 69 90009 ", digits: 3 };
const DE_HAMBURG = { prefix: "+49 40 66969 ", digits: 3 };
const DE_KOELN = { prefix: "+49 221 4710 ", digits: 3 };
const DE_MUENCHEN = { prefix: "+49 89 99998 ", digits: 3 };
export const DE_PHONES: readonly PhoneRange[] = [DE_BERLIN, DE_FRANKFURT, DE_HAMBURG, DE_KOELN, DE_MUENCHEN];
/** For countries with no published fiction range. */
const ABROAD: readonly PhoneRange[] = [UK_PHONES[0] as PhoneRange, DE_BERLIN, DE_MUENCHEN];
/** NANP: any area code, then 555-0100..0199. */
const nanp = (...areaCodes: number[]): PhoneRange[] => areaCodes.map((a) => ({ prefix: `+1 ${a} 555 01`, digits: 2 }));
/** Area codes for unique fallbacks in canary mode (NANP fiction block under each). */
export const NANP_FALLBACK_AREA_CODES: readonly number[] = Array.from({ length: 700 }, (_, i) => 201 + i).filter(
  (a) => a % 100 !== 11 && Math.floor(a / 10) % 10 !== 9,
);

/**
 * The `k`th fallback phone number, for when a city's ranges are crowded: the NANP fiction blocks
 * (555-0100 to 0199 under each fallback area code) first, then the rest of each area code's 555
 * exchange (unassigned in practice; 555-1212 is directory assistance and skipped): about 6.2
 * million distinct numbers for k = 0, 1, 2, ...; null for a skipped k; past the end, an error.
 */
export function fallbackPhoneNumber(k: number): string | null {
  const areas = NANP_FALLBACK_AREA_CODES;
  const fiction = areas.length * 100;
  if (k < fiction) return `+1 ${areas[Math.floor(k / 100)]} 555 01${String(k % 100).padStart(2, "0")}`;
  const line = Math.floor((k - fiction) / areas.length);
  if (line >= 10_000) throw new Error("the seed ran out of unique phone numbers (about 6 million)");
  if ((line >= 100 && line <= 199) || line === 1212) return null;
  return `+1 ${areas[(k - fiction) % areas.length]} 555 ${String(line).padStart(4, "0")}`;
}

// ---- postcode helpers ------------------------------------------------------------------------

const UK_INWARD = "ABDEFGHJLNPQRSTUWXYZ";
const ukPostcode =
  (...outward: string[]) =>
  (r: Rng) =>
    `${r.pick(outward)} ${r.int(1, 9)}${r.string(UK_INWARD, 2)}`;
const CA_LETTERS = "ABCEGHJKLMNPRSTVWXYZ";
const caPostcode =
  (...fsa: string[]) =>
  (r: Rng) =>
    `${r.pick(fsa)} ${r.int(0, 9)}${r.string(CA_LETTERS, 1)}${r.int(0, 9)}`;
const NL_LETTERS = "ABCDEGHJKLMNPRTVWXZ";
const nlPostcode = (lo: number, hi: number) => (r: Rng) => `${r.int(lo, hi)} ${r.string(NL_LETTERS, 2)}`;
const EIRCODE_CHARS = "ACDEFHKNPRTVWXY0123456789";
const eircode =
  (...routing: string[]) =>
  (r: Rng) =>
    `${r.pick(routing)} ${r.string("ACDEFHKNPRTVWXY", 1)}${r.string(EIRCODE_CHARS, 3)}`;

// ---- countries and cities --------------------------------------------------------------------

function city(
  name: string,
  lat: number,
  lng: number,
  locale: string,
  postcode: (r: Rng) => string,
  phones: readonly PhoneRange[],
  taxRate: string,
): City {
  return { name, lat, lng, locale, lang: locale.slice(0, 2) as Lang, postcode, phones, taxRate };
}

export const COUNTRIES: readonly Country[] = [
  {
    code: "DE",
    residency: "EU",
    weight: 20,
    currency: "EUR",
    cities: [
      city("Berlin", 52.52, 13.405, "de-DE", digits(10115, 14199, 5), [DE_BERLIN], "19.00"),
      city("München", 48.1372, 11.5755, "de-DE", digits(80331, 81929, 5), [DE_MUENCHEN], "19.00"),
      city("Hamburg", 53.5511, 9.9937, "de-DE", digits(20095, 22769, 5), [DE_HAMBURG], "19.00"),
      city("Köln", 50.9375, 6.9603, "de-DE", digits(50667, 51149, 5), [DE_KOELN], "19.00"),
      city("Frankfurt am Main", 50.1109, 8.6821, "de-DE", digits(60306, 60599, 5), [DE_FRANKFURT], "19.00"),
    ],
  },
  {
    code: "FR",
    residency: "EU",
    weight: 18,
    currency: "EUR",
    cities: [
      city("Paris", 48.8566, 2.3522, "fr-FR", (r) => `750${pad(r.int(1, 20), 2)}`, ABROAD, "20.00"),
      city("Lyon", 45.764, 4.8357, "fr-FR", (r) => `6900${r.int(1, 9)}`, ABROAD, "20.00"),
      city("Marseille", 43.2965, 5.3698, "fr-FR", (r) => `130${pad(r.int(1, 16), 2)}`, ABROAD, "20.00"),
      city("Toulouse", 43.6047, 1.4442, "fr-FR", oneOf("31000", "31100", "31200", "31300", "31400", "31500"), ABROAD, "20.00"),
    ],
  },
  {
    code: "ES",
    residency: "EU",
    weight: 12,
    currency: "EUR",
    cities: [
      city("Madrid", 40.4168, -3.7038, "es-ES", (r) => `280${pad(r.int(1, 55), 2)}`, ABROAD, "21.00"),
      city("Barcelona", 41.3851, 2.1734, "es-ES", (r) => `080${pad(r.int(1, 42), 2)}`, ABROAD, "21.00"),
      city("Valencia", 39.4699, -0.3763, "es-ES", (r) => `460${pad(r.int(1, 26), 2)}`, ABROAD, "21.00"),
      city("Sevilla", 37.3891, -5.9845, "es-ES", (r) => `410${pad(r.int(1, 20), 2)}`, ABROAD, "21.00"),
    ],
  },
  {
    code: "IT",
    residency: "EU",
    weight: 12,
    currency: "EUR",
    cities: [
      city("Roma", 41.9028, 12.4964, "it-IT", (r) => `001${pad(r.int(18, 99), 2)}`, ABROAD, "22.00"),
      city("Milano", 45.4642, 9.19, "it-IT", (r) => `201${pad(r.int(21, 62), 2)}`, ABROAD, "22.00"),
      city("Torino", 45.0703, 7.6869, "it-IT", (r) => `101${pad(r.int(21, 56), 2)}`, ABROAD, "22.00"),
      city("Bologna", 44.4949, 11.3426, "it-IT", (r) => `401${pad(r.int(21, 41), 2)}`, ABROAD, "22.00"),
    ],
  },
  {
    code: "NL",
    residency: "EU",
    weight: 10,
    currency: "EUR",
    cities: [
      city("Amsterdam", 52.3676, 4.9041, "nl-NL", nlPostcode(1011, 1109), ABROAD, "21.00"),
      city("Rotterdam", 51.9244, 4.4777, "nl-NL", nlPostcode(3011, 3089), ABROAD, "21.00"),
      city("Utrecht", 52.0907, 5.1214, "nl-NL", nlPostcode(3511, 3585), ABROAD, "21.00"),
    ],
  },
  {
    code: "PL",
    residency: "EU",
    weight: 7,
    currency: "EUR",
    cities: [
      city("Warszawa", 52.2297, 21.0122, "pl-PL", (r) => `0${r.int(0, 4)}-${pad(r.int(1, 999), 3)}`, ABROAD, "23.00"),
      city("Kraków", 50.0647, 19.945, "pl-PL", (r) => `3${r.int(0, 1)}-${pad(r.int(1, 999), 3)}`, ABROAD, "23.00"),
      city("Gdańsk", 54.352, 18.6466, "pl-PL", (r) => `80-${pad(r.int(1, 999), 3)}`, ABROAD, "23.00"),
    ],
  },
  {
    code: "PT",
    residency: "EU",
    weight: 5,
    currency: "EUR",
    cities: [
      city("Lisboa", 38.7223, -9.1393, "pt-PT", (r) => `${r.int(1000, 1990)}-${pad(r.int(1, 999), 3)}`, ABROAD, "23.00"),
      city("Porto", 41.1579, -8.6291, "pt-PT", (r) => `${r.int(4000, 4369)}-${pad(r.int(1, 999), 3)}`, ABROAD, "23.00"),
    ],
  },
  {
    code: "SE",
    residency: "EU",
    weight: 5,
    currency: "EUR",
    cities: [
      city("Stockholm", 59.3293, 18.0686, "sv-SE", (r) => `11${r.int(1, 8)} ${pad(r.int(20, 99), 2)}`, ABROAD, "25.00"),
      city("Göteborg", 57.7089, 11.9746, "sv-SE", (r) => `41${r.int(1, 8)} ${pad(r.int(1, 99), 2)}`, ABROAD, "25.00"),
    ],
  },
  {
    code: "IE",
    residency: "EU",
    weight: 5,
    currency: "EUR",
    cities: [
      city("Dublin", 53.3498, -6.2603, "en-IE", eircode("D01", "D02", "D04", "D06", "D08", "D07"), UK_PHONES, "23.00"),
      city("Cork", 51.8985, -8.4756, "en-IE", eircode("T12", "T23"), UK_PHONES, "23.00"),
    ],
  },
  {
    code: "BE",
    residency: "EU",
    weight: 4,
    currency: "EUR",
    cities: [
      city("Bruxelles", 50.8503, 4.3517, "fr-BE", oneOf("1000", "1020", "1030", "1040", "1050", "1060", "1180"), ABROAD, "21.00"),
      city("Antwerpen", 51.2194, 4.4025, "nl-BE", oneOf("2000", "2018", "2020", "2030", "2060", "2100", "2600"), ABROAD, "21.00"),
    ],
  },
  {
    code: "AT",
    residency: "EU",
    weight: 2,
    currency: "EUR",
    cities: [
      city("Wien", 48.2082, 16.3738, "de-AT", (r) => `1${pad(r.int(1, 23), 2)}0`, DE_PHONES, "20.00"),
      city("Graz", 47.0707, 15.4395, "de-AT", (r) => `80${r.int(10, 55)}`, DE_PHONES, "20.00"),
    ],
  },
  {
    code: "GB",
    residency: "UK",
    weight: 1,
    currency: "GBP",
    cities: [
      city(
        "London",
        51.5072,
        -0.1276,
        "en-GB",
        ukPostcode("SW1A", "EC1A", "W1D", "N1", "E1", "SE1", "NW1", "WC2H", "SW11", "E14"),
        UK_PHONES,
        "20.00",
      ),
      city("Manchester", 53.4808, -2.2426, "en-GB", ukPostcode("M1", "M2", "M4", "M15", "M20"), UK_PHONES, "20.00"),
      city("Edinburgh", 55.9533, -3.1883, "en-GB", ukPostcode("EH1", "EH3", "EH6", "EH8"), UK_PHONES, "20.00"),
      city("Bristol", 51.4545, -2.5879, "en-GB", ukPostcode("BS1", "BS2", "BS6", "BS8"), UK_PHONES, "20.00"),
    ],
  },
  {
    code: "US",
    residency: "US",
    weight: 1,
    currency: "USD",
    cities: [
      city("New York", 40.7128, -74.006, "en-US", (r) => `100${pad(r.int(1, 99), 2)}`, nanp(212, 646, 917), "8.88"),
      city("San Francisco", 37.7749, -122.4194, "en-US", (r) => `941${pad(r.int(2, 34), 2)}`, nanp(415, 628), "8.63"),
      city("Chicago", 41.8781, -87.6298, "en-US", (r) => `606${pad(r.int(1, 61), 2)}`, nanp(312, 773), "10.25"),
      city("Austin", 30.2672, -97.7431, "en-US", (r) => `787${pad(r.int(1, 59), 2)}`, nanp(512, 737), "8.25"),
      city("Seattle", 47.6062, -122.3321, "en-US", (r) => `981${pad(r.int(1, 99), 2)}`, nanp(206), "10.35"),
    ],
  },
  {
    code: "CA",
    residency: "CA",
    weight: 1,
    currency: "CAD",
    cities: [
      city("Toronto", 43.6532, -79.3832, "en-CA", caPostcode("M5V", "M4W", "M6G", "M5A", "M4Y"), nanp(416, 647), "13.00"),
      city("Vancouver", 49.2827, -123.1207, "en-CA", caPostcode("V6B", "V6E", "V5K", "V6K"), nanp(604, 778), "12.00"),
      city("Montréal", 45.5019, -73.5674, "fr-CA", caPostcode("H2X", "H3B", "H2T", "H2J"), nanp(514, 438), "14.98"),
    ],
  },
  {
    code: "BR",
    residency: "BR",
    weight: 1,
    currency: "BRL",
    cities: [
      city("São Paulo", -23.5505, -46.6333, "pt-BR", (r) => `0${r.int(1000, 5999)}-${pad(r.int(0, 999), 3)}`, ABROAD, "18.00"),
      city(
        "Rio de Janeiro",
        -22.9068,
        -43.1729,
        "pt-BR",
        (r) => `2${r.int(0, 3)}${pad(r.int(0, 999), 3)}-${pad(r.int(0, 999), 3)}`,
        ABROAD,
        "20.00",
      ),
    ],
  },
  {
    code: "CH",
    residency: "CH",
    weight: 1,
    currency: "CHF",
    cities: [
      city("Zürich", 47.3769, 8.5417, "de-CH", (r) => `80${pad(r.int(1, 57), 2)}`, DE_PHONES, "8.10"),
      city("Genève", 46.2044, 6.1432, "fr-CH", (r) => `120${r.int(1, 9)}`, ABROAD, "8.10"),
      city("Basel", 47.5596, 7.5886, "de-CH", (r) => `40${pad(r.int(1, 59), 2)}`, DE_PHONES, "8.10"),
      city("Lausanne", 46.5197, 6.6323, "fr-CH", (r) => `10${pad(r.int(3, 18), 2)}`, ABROAD, "8.10"),
    ],
  },
];

/** EU majority, then UK, US, CA, CH, BR. */
export const RESIDENCY_WEIGHTS: ReadonlyArray<readonly [Residency, number]> = [
  ["EU", 55],
  ["UK", 14],
  ["US", 14],
  ["CA", 6],
  ["CH", 6],
  ["BR", 5],
];

/** Rough price level against EUR, for amounts in the local currency. */
export const CURRENCY_FACTOR: Readonly<Record<string, number>> = {
  EUR: 1,
  GBP: 0.86,
  USD: 1.08,
  CAD: 1.48,
  BRL: 5.6,
  CHF: 0.95,
};

// ---- names -----------------------------------------------------------------------------------

export const NAMES: Readonly<Record<Lang, { first: readonly string[]; last: readonly string[] }>> = {
  de: {
    first: [
      "Anna",
      "Lukas",
      "Sophie",
      "Jonas",
      "Marie",
      "Felix",
      "Lena",
      "Paul",
      "Hannah",
      "Maximilian",
      "Clara",
      "Emil",
      "Jürgen",
      "Özlem",
    ],
    last: [
      "Müller",
      "Schmidt",
      "Schneider",
      "Fischer",
      "Weber",
      "Meyer",
      "Wagner",
      "Becker",
      "Hoffmann",
      "Schäfer",
      "Koch",
      "Richter",
      "Yılmaz",
    ],
  },
  fr: {
    first: ["Camille", "Louis", "Léa", "Hugo", "Chloé", "Gabriel", "Manon", "Jules", "Inès", "Arthur", "Zoé", "Théo", "Amina"],
    last: [
      "Martin",
      "Bernard",
      "Dubois",
      "Thomas",
      "Robert",
      "Richard",
      "Petit",
      "Durand",
      "Leroy",
      "Moreau",
      "Lefèvre",
      "Girard",
      "Benali",
    ],
  },
  es: {
    first: ["Lucía", "Hugo", "Martina", "Daniel", "Sofía", "Pablo", "Carmen", "Alejandro", "Paula", "Javier", "Elena", "Mateo"],
    last: ["García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Ruiz", "Díaz", "Moreno"],
  },
  it: {
    first: [
      "Giulia",
      "Francesco",
      "Sofia",
      "Alessandro",
      "Aurora",
      "Lorenzo",
      "Chiara",
      "Matteo",
      "Martina",
      "Leonardo",
      "Giorgia",
      "Andrea",
    ],
    last: ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo"],
  },
  nl: {
    first: ["Emma", "Daan", "Julia", "Sem", "Tess", "Lucas", "Anna", "Finn", "Sara", "Levi", "Noor", "Bram"],
    last: ["de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bos"],
  },
  pt: {
    first: [
      "Maria",
      "João",
      "Ana",
      "Pedro",
      "Beatriz",
      "Tiago",
      "Inês",
      "Rafael",
      "Mariana",
      "Gonçalo",
      "Gabriela",
      "Lucas",
      "Larissa",
      "Thiago",
    ],
    last: [
      "Silva",
      "Santos",
      "Ferreira",
      "Pereira",
      "Oliveira",
      "Costa",
      "Rodrigues",
      "Martins",
      "Sousa",
      "Fernandes",
      "Almeida",
      "Carvalho",
      "Ribeiro",
      "Lima",
    ],
  },
  pl: {
    first: ["Zofia", "Jakub", "Julia", "Antoni", "Maja", "Jan", "Hanna", "Szymon", "Alicja", "Filip", "Natalia", "Kacper"],
    last: ["Nowak", "Wójcik", "Kowalczyk", "Mazur", "Krawczyk", "Kaczmarek", "Zając", "Król", "Wieczorek", "Pawlak", "Michalak", "Sikora"],
  },
  sv: {
    first: ["Alice", "William", "Maja", "Oscar", "Elsa", "Lucas", "Astrid", "Hugo", "Ebba", "Liam", "Saga", "Axel"],
    last: [
      "Andersson",
      "Johansson",
      "Karlsson",
      "Nilsson",
      "Eriksson",
      "Larsson",
      "Olsson",
      "Persson",
      "Svensson",
      "Gustafsson",
      "Lindberg",
      "Lindqvist",
    ],
  },
  en: {
    first: [
      "Olivia",
      "Jack",
      "Amelia",
      "Harry",
      "Isla",
      "George",
      "Emily",
      "Noah",
      "Grace",
      "Oliver",
      "Sophia",
      "Ethan",
      "Ava",
      "James",
      "Priya",
      "Mohammed",
      "Aisha",
      "Wei",
      "Siobhán",
      "Kofi",
    ],
    last: [
      "Smith",
      "Jones",
      "Taylor",
      "Brown",
      "Williams",
      "Wilson",
      "Johnson",
      "Davies",
      "Patel",
      "Khan",
      "Murphy",
      "O'Brien",
      "Nguyen",
      "Chen",
      "Okafor",
      "Anderson",
    ],
  },
};
export const LANGS = Object.keys(NAMES) as Lang[];

// ---- addresses -------------------------------------------------------------------------------

export const STREETS: Readonly<Record<Lang, readonly string[]>> = {
  de: ["Hauptstraße", "Bahnhofstraße", "Lindenallee", "Gartenweg", "Schillerstraße", "Goethestraße", "Am Markt", "Rosenweg"],
  fr: [
    "rue de la République",
    "rue Victor Hugo",
    "avenue Jean Jaurès",
    "boulevard Voltaire",
    "rue des Lilas",
    "place du Marché",
    "rue Pasteur",
  ],
  es: ["Calle Mayor", "Avenida de la Constitución", "Calle del Sol", "Calle de Alcalá", "Paseo de la Castellana", "Calle Real"],
  it: ["Via Roma", "Via Garibaldi", "Corso Vittorio Emanuele", "Via Dante", "Via Mazzini", "Piazza del Popolo"],
  nl: ["Kerkstraat", "Prinsengracht", "Dorpsstraat", "Stationsweg", "Molenweg", "Julianalaan"],
  pt: ["Rua Augusta", "Avenida da Liberdade", "Rua das Flores", "Rua do Comércio", "Avenida Paulista", "Rua da Alegria"],
  pl: ["Marszałkowska", "Długa", "Polna", "Kwiatowa", "Ogrodowa", "Lipowa"],
  sv: ["Drottninggatan", "Storgatan", "Kungsgatan", "Skolgatan", "Parkvägen", "Kyrkogatan"],
  en: ["High Street", "Station Road", "Church Lane", "Victoria Road", "Maple Avenue", "Oak Street", "Main Street", "Elm Street"],
};

/** A first address line in the local order ("Lindenallee 12", "12 rue Pasteur", "ul. Polna 4"). */
export function streetLine(lang: Lang, country: string, r: Rng): string {
  const street = r.pick(STREETS[lang]);
  const n = r.int(1, 140);
  const suffix = r.chance(0.1) ? r.pick(["a", "b", "c"]) : "";
  switch (lang) {
    case "fr":
      return `${n}${suffix ? " bis" : ""} ${street}`;
    case "es":
    case "pt":
      return `${street}, ${n}`;
    case "pl":
      return `ul. ${street} ${n}${suffix}`;
    case "en":
      return country === "US" || country === "CA" ? `${r.int(100, 9899)} ${street}` : `${n}${suffix} ${street}`;
    default:
      return `${street} ${n}${suffix}`;
  }
}

export const LINE2: Readonly<Record<Lang, readonly string[]>> = {
  de: ["Hinterhaus", "2. OG links", "Wohnung 4", "c/o Becker", "3. OG"],
  fr: ["Bâtiment B", "Appartement 12", "3e étage", "Résidence Les Tilleuls", "Escalier C"],
  es: ["3º B", "Piso 2, puerta 4", "Bajo A", "Escalera izquierda"],
  it: ["Scala B, interno 7", "Piano 3", "Interno 12"],
  nl: ["2e verdieping", "Huis 3", "Achterhuis"],
  pt: ["3º Esq.", "Apto 42", "Bloco B, apto 101", "R/C Dto."],
  pl: ["m. 14", "lok. 3", "m. 27"],
  sv: ["lgh 1102", "2 tr", "c/o Lind"],
  en: ["Flat 3", "Apt 5C", "Suite 200", "Unit 12", "Second floor", "c/o Reception"],
};

// ---- email, web, social ----------------------------------------------------------------------

export const EMAIL_DOMAINS = ["example.com", "example.org", "example.net"] as const;

export const SOCIAL_LIKES = [
  "Trail running",
  "Jazz",
  "Photography",
  "Board games",
  "Cooking",
  "Cycling",
  "Gardening",
  "Science fiction",
  "Yoga",
  "Football",
  "Travel",
  "Coffee",
  "Indie games",
  "Podcasts",
  "Hiking",
  "Baking",
  "Vinyl records",
  "Climbing",
  "Film noir",
  "Street food",
] as const;

export const SEARCH_TERMS = [
  "wireless headphones",
  "espresso machine",
  "running shoes",
  "gift ideas",
  "4k monitor",
  "robot vacuum review",
  "smart thermostat",
  "best e-reader",
  "keyboard for programming",
  "bluetooth speaker waterproof",
  "return policy",
  "warranty claim",
] as const;

export const PAGES = [
  "/",
  "/products",
  "/cart",
  "/checkout",
  "/checkout/payment",
  "/account",
  "/account/orders",
  "/account/privacy",
  "/support",
  "/support/contact",
  "/help/returns",
  "/help/shipping",
  "/deals",
] as const;

export const BLOG_POSTS = ["how-to-descale-your-espresso-machine", "choosing-a-monitor", "trail-shoes-guide", "gift-guide-2026"] as const;

/** Referrers: the shop itself, a search engine, social, news, the newsletter. `{q}` / `{slug}` filled in. */
export const REFERRERS = [
  ["https://shop.example.com/", 20],
  ["https://shop.example.com/products/{slug}", 15],
  ["https://search.example.org/search?q={q}", 25],
  ["https://social.example.net/p/{id}", 12],
  ["https://news.example.com/reviews/{slug}", 8],
  ["https://mail.example.org/newsletter?utm_source=newsletter&utm_campaign={campaign}", 10],
  ["https://compare.example.net/offers/{slug}", 10],
] as const;

export const CAMPAIGNS = ["spring-sale", "summer-deals", "back-to-school", "black-friday", "winter-gifts"] as const;

// ---- devices ---------------------------------------------------------------------------------

export interface DeviceProfile {
  device: "desktop" | "mobile" | "tablet";
  os: string;
  userAgent: string;
  weight: number;
}

export const DEVICE_PROFILES: readonly DeviceProfile[] = [
  {
    device: "desktop",
    os: "Windows 11",
    weight: 18,
    userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  },
  {
    device: "desktop",
    os: "Windows 10",
    weight: 8,
    userAgent:
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
  },
  {
    device: "desktop",
    os: "Windows 11",
    weight: 5,
    userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
  },
  {
    device: "desktop",
    os: "macOS 14",
    weight: 10,
    userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15",
  },
  {
    device: "desktop",
    os: "macOS 15",
    weight: 6,
    userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  },
  {
    device: "desktop",
    os: "Ubuntu 24.04",
    weight: 3,
    userAgent: "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
  },
  {
    device: "mobile",
    os: "iOS 17.6",
    weight: 14,
    userAgent:
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
  },
  {
    device: "mobile",
    os: "iOS 18.1",
    weight: 8,
    userAgent:
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  },
  {
    device: "mobile",
    os: "Android 14",
    weight: 12,
    userAgent: "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
  },
  {
    device: "mobile",
    os: "Android 13",
    weight: 6,
    userAgent:
      "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
  },
  { device: "mobile", os: "iOS 17.6", weight: 5, userAgent: "ExampleShop/5.12.0 (iPhone; iOS 17.6; Scale/3.00)" },
  { device: "mobile", os: "Android 14", weight: 4, userAgent: "ExampleShop/5.12.0 (Android 14; Pixel 8)" },
  {
    device: "tablet",
    os: "iPadOS 17.5",
    weight: 5,
    userAgent:
      "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  },
  {
    device: "tablet",
    os: "Android 13",
    weight: 3,
    userAgent: "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
  },
];

// ---- products, accounts, cards ---------------------------------------------------------------

export interface Product {
  name: string;
  slug: string;
  priceCents: number;
}

export const PRODUCTS: readonly Product[] = [
  { name: "Wireless noise-cancelling headphones", slug: "wireless-headphones", priceCents: 24900 },
  { name: "27-inch 4K monitor", slug: "monitor-27-4k", priceCents: 39900 },
  { name: "Espresso machine", slug: "espresso-machine", priceCents: 34900 },
  { name: "Trail running shoes", slug: "trail-running-shoes", priceCents: 12900 },
  { name: "Smart thermostat", slug: "smart-thermostat", priceCents: 17900 },
  { name: "E-reader", slug: "e-reader", priceCents: 12900 },
  { name: "Robot vacuum cleaner", slug: "robot-vacuum", priceCents: 29900 },
  { name: "Electric toothbrush", slug: "electric-toothbrush", priceCents: 7900 },
  { name: "Mechanical keyboard", slug: "mechanical-keyboard", priceCents: 11900 },
  { name: "Fitness tracker", slug: "fitness-tracker", priceCents: 9900 },
  { name: "Bluetooth speaker", slug: "bluetooth-speaker", priceCents: 5900 },
  { name: "Extended warranty, 2 years", slug: "extended-warranty", priceCents: 4900 },
  { name: "Laptop backpack", slug: "laptop-backpack", priceCents: 6900 },
  { name: "Coffee beans subscription, 1 kg", slug: "coffee-subscription", priceCents: 2900 },
];

/** `product` of an account, with the code used in its account number. */
export const ACCOUNT_PRODUCTS = [
  { product: "Online shop account", code: "SHOP" },
  { product: "Rewards membership", code: "RWD" },
  { product: "Product registration", code: "REG" },
  { product: "Extended warranty plan", code: "WAR" },
  { product: "Business account", code: "BIZ" },
] as const;

export const CARD_BRANDS: ReadonlyArray<readonly [string, number]> = [
  ["Visa", 45],
  ["Mastercard", 36],
  ["American Express", 10],
  ["Maestro", 5],
  ["Discover", 4],
];

export const PREFERRED_CHANNELS: ReadonlyArray<readonly [ContactChannel, number]> = [
  ["email", 50],
  ["app", 20],
  ["sms", 14],
  ["phone", 10],
  ["post", 6],
];

// ---- submitted messages ----------------------------------------------------------------------

/** `{product}`, `{city}`, `{first}` are filled in. No digit runs: the no-card-number check stays meaningful. */
export const MESSAGE_TEMPLATES: ReadonlyArray<{ lang: Lang | "any"; subject: string; body: string }> = [
  {
    lang: "any",
    subject: "Question about my order",
    body: "Hello, I ordered the {product} last week and the tracking page has not changed for three days. Could you check where it is? Thanks, {first}",
  },
  {
    lang: "any",
    subject: "Warranty claim: {product}",
    body: "Hi, my {product} stopped working after two months. I still have the invoice. What do I need to send you for the warranty claim?",
  },
  {
    lang: "any",
    subject: "Change of delivery address",
    body: "Please deliver my next orders to my new address in {city}. I moved at the start of the month. Best regards, {first}",
  },
  {
    lang: "any",
    subject: "Return request",
    body: "I would like to return the {product}; it does not suit me. The box is unopened. How do I get a return label?",
  },
  {
    lang: "any",
    subject: "Too many emails",
    body: "I get too many emails from you. Can I receive the newsletter only once a month instead?",
  },
  {
    lang: "any",
    subject: "Problem signing in",
    body: "Since the last app update I cannot sign in, and the password reset email never arrives. Can you help?",
  },
  {
    lang: "any",
    subject: "Invoice for my employer",
    body: "Could you send me an invoice with my company name for the {product}? I need it for my expense report.",
  },
  {
    lang: "any",
    subject: "Damaged on arrival",
    body: "The {product} arrived with a cracked casing. I would like a replacement rather than a refund, please.",
  },
  {
    lang: "de",
    subject: "Frage zu meiner Bestellung",
    body: "Hallo, mein {product} ist noch nicht angekommen. Können Sie bitte nachsehen, wo das Paket ist? Viele Grüße, {first}",
  },
  {
    lang: "fr",
    subject: "Question sur ma commande",
    body: "Bonjour, je n'ai toujours pas reçu mon {product}. Pouvez-vous vérifier l'état de la livraison ? Merci, {first}",
  },
  {
    lang: "es",
    subject: "Consulta sobre mi pedido",
    body: "Hola, mi {product} todavía no ha llegado a {city}. ¿Podrían revisar el envío? Gracias, {first}",
  },
  {
    lang: "it",
    subject: "Richiesta di reso",
    body: "Buongiorno, vorrei restituire il {product}. Come posso ottenere l'etichetta di reso? Grazie, {first}",
  },
  {
    lang: "pt",
    subject: "Problema com a entrega",
    body: "Olá, o meu {product} chegou danificado. Gostaria de uma substituição. Obrigado, {first}",
  },
];
