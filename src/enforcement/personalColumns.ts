import type { Category } from "../policy/categories.js";

/**
 * Where each personal column of the database surfaces in GraphQL: its field coordinate, or why it
 * deliberately has none. test/schema/personalColumns.test.ts fails when a column that holds
 * personal data is in neither place, or names a coordinate the data map does not mark; erasure
 * and the access report sweep these columns. `keptOnErasure`: erasure leaves the column as it is,
 * for the reason given (the tombstone, an anonymised row's own facts), with nothing left to tie it
 * to a person. An unexposed column carries its category here, as a field carries its `@personal`
 * mark: the one table the access report, the data map and the purge read.
 */
export type ColumnExposure = { coordinate: string; keptOnErasure?: string } | { unexposed: string; category: Category };

const TOMBSTONE = "the tombstone: the erased subject's row stays, so that no late write re-creates it";
const ANONYMISED_ACCOUNT = "the anonymised account's own facts, kept for bookkeeping with no one to tie them to";

export const PERSONAL_COLUMNS: Record<string, Record<string, ColumnExposure>> = {
  customers: {
    status: { coordinate: "Customer.status", keptOnErasure: TOMBSTONE },
    residency: { coordinate: "Customer.residency", keptOnErasure: TOMBSTONE },
    created_at: { coordinate: "Customer.createdAt", keptOnErasure: TOMBSTONE },
  },
  profiles: {
    updated_at: { coordinate: "Profile.updatedAt", keptOnErasure: "when the emptied profile last changed" },
    full_name: { coordinate: "Profile.fullName" },
    display_name: { coordinate: "Profile.displayName" },
    email: { coordinate: "Profile.email" },
    phone: { coordinate: "Profile.phone" },
    address_line1: { coordinate: "PostalAddress.line1" },
    address_line2: { coordinate: "PostalAddress.line2" },
    postal_code: { coordinate: "PostalAddress.postalCode" },
    city: { coordinate: "PostalAddress.city" },
    country: { coordinate: "PostalAddress.country" },
    username: { coordinate: "Profile.username" },
    language: { coordinate: "Profile.language" },
    social_handle: { coordinate: "Profile.socialHandle" },
    social_picture_url: { coordinate: "Profile.socialPictureUrl" },
    social_likes: { coordinate: "Profile.socialLikes" },
    location_latitude: { coordinate: "Profile.locationLatitude" },
    location_longitude: { coordinate: "Profile.locationLongitude" },
    location_recorded_at: { coordinate: "Profile.locationRecordedAt" },
  },
  credentials: {
    password_hash: { unexposed: "never disclosed, no GraphQL field at all", category: "user.authorization.credentials" },
  },
  accounts: {
    account_number: { coordinate: "Account.accountNumber" },
    product: { coordinate: "Account.product", keptOnErasure: ANONYMISED_ACCOUNT },
    status: { coordinate: "Account.status", keptOnErasure: ANONYMISED_ACCOUNT },
    opened_at: { coordinate: "Account.openedAt", keptOnErasure: ANONYMISED_ACCOUNT },
  },
  payment_methods: {
    card_token: { coordinate: "PaymentMethod.cardToken" },
    brand: { coordinate: "PaymentMethod.brand" },
    last_four: { coordinate: "PaymentMethod.lastFour" },
    expiry: { coordinate: "PaymentMethod.expiry" },
    added_at: { coordinate: "PaymentMethod.addedAt" },
    billing_line1: { coordinate: "BillingAddress.line1" },
    billing_postal_code: { coordinate: "BillingAddress.postalCode" },
    billing_city: { coordinate: "BillingAddress.city" },
    billing_country: { coordinate: "BillingAddress.country" },
    delivery_line1: { coordinate: "DeliveryAddress.line1" },
    delivery_postal_code: { coordinate: "DeliveryAddress.postalCode" },
    delivery_city: { coordinate: "DeliveryAddress.city" },
    delivery_country: { coordinate: "DeliveryAddress.country" },
  },
  purchases: {
    product: { coordinate: "Purchase.product" },
    amount_cents: { coordinate: "Purchase.amountCents" },
    currency: { coordinate: "Purchase.currency" },
    purchased_at: { coordinate: "Purchase.purchasedAt" },
    invoice_ref: { unexposed: "bookkeeping reference under legal hold; read by no purpose", category: "user.behavior.purchase_history" },
    tax_rate: { unexposed: "bookkeeping detail under legal hold; read by no purpose", category: "user.behavior.purchase_history" },
  },
  preferences: {
    email_newsletter: { coordinate: "Preferences.emailNewsletter" },
    sms_offers: { coordinate: "Preferences.smsOffers" },
    postal_mail: { coordinate: "Preferences.postalMail" },
    preferred_channel: { coordinate: "Preferences.preferredChannel" },
    updated_at: { coordinate: "Preferences.updatedAt" },
  },
  consent_events: {
    purpose: { coordinate: "Consent.purpose" },
    partner_id: { coordinate: "Consent.partnerId" },
    granted: { coordinate: "Consent.granted" },
    source: { coordinate: "Consent.source" },
    policy_version: { coordinate: "Consent.policyVersion" },
    recorded_at: { coordinate: "Consent.recordedAt" },
  },
  submitted_messages: {
    subject: { coordinate: "SubmittedMessage.subject" },
    body: { coordinate: "SubmittedMessage.body" },
    status: { coordinate: "SubmittedMessage.status" },
    submitted_at: { coordinate: "SubmittedMessage.submittedAt" },
    closed_at: { coordinate: "SubmittedMessage.closedAt" },
  },
  visits: {
    ip_address: { coordinate: "Visit.ipAddress" },
    user_agent: { coordinate: "Visit.userAgent" },
    device: { coordinate: "Visit.device" },
    operating_system: { coordinate: "Visit.operatingSystem" },
    language: { coordinate: "Visit.language" },
    referrer: { coordinate: "Visit.referrer" },
    page: { coordinate: "Visit.page" },
    visited_at: { coordinate: "Visit.visitedAt" },
  },
};
