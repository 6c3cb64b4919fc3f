import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One pending OAuth flow; `id` is the SHA-256 of the state, so the table never holds a usable state. */
@Entity({ name: 'oauth_states' })
export class OAuthStateEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_oauth_states' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ type: 'text' })
  provider!: string;

  @Column({ type: 'text' })
  alias!: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  metadata!: Record<string, unknown>;

  @Column({ type: 'text' })
  scopes!: string;

  @Column({ name: 'redirect_uri', type: 'text' })
  redirectUri!: string;

  /** Sealed PKCE verifier (AAD tenant|state id|pkceVerifier). */
  @Column({ name: 'pkce_verifier', type: 'text', nullable: true })
  pkceVerifier!: string | null;

  /** Where the merchant goes after the callback (checked against the tenant's allowed URLs when the flow started). */
  @Column({ name: 'return_url', type: 'text', nullable: true })
  returnUrl!: string | null;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'consumed_at', type: 'timestamptz', nullable: true })
  consumedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
