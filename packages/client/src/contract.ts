/**
 * Types of the HTTP contract's 2026-12-07 additions whose server side is not yet in the OpenAPI
 * document this package's other types are generated from: written by hand from the contract. The
 * repository's test/unit/clientsGenerated.test.ts fails once the document has one of these
 * operations, so it moves to the generated types then.
 */

/** Under-14 consent (policy `consent: "attested"`): sent with the real-name submission. */
export interface GuardianConsent {
  /** The privacy policy version the guardian consented to. */
  policyVersion: string;
}

export type ComplaintCategory = 'real_name' | 'play_time' | 'payment' | 'personal_information' | 'account_sharing' | 'other';

/** POST /v1/complaints. */
export interface ComplaintSubmission {
  category: ComplaintCategory;
  /** 1–2,000 characters. */
  text: string;
  orderId?: string;
  gameId?: string;
}

export interface ComplaintReceived {
  complaintId: string;
  status: 'open';
  receivedAt: string;
  /** When an answer is due (15 days later unless the publisher set fewer). */
  dueAt: string;
}

/** GET /v1/me/complaints. */
export interface MyComplaints {
  complaints: Array<{
    complaintId: string;
    category: ComplaintCategory;
    status: 'open' | 'answered';
    receivedAt: string;
    dueAt: string;
    answeredAt: string | null;
    outcome: 'resolved' | 'refused' | null;
    answer: string | null;
  }>;
}

/** POST /v1/guardian/wards/{wardId}/refund-requests (a confirmed guardian). */
export interface RefundRequest {
  orderId: string;
  reason: string;
}

export interface RefundRequested {
  requestId: string;
  status: 'open';
}
