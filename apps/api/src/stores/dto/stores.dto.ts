import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, IsUrl, IsUUID, Matches, MaxLength } from 'class-validator';

const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** The WooCommerce plugin's connect body (also accepted by POST /api/v1/integrations/woocommerce). */
export class ConnectStoreDto {
  @ApiProperty({ example: 'https://yourstore.com' })
  @Transform(trim)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'storeUrl must be an http(s) URL' })
  @MaxLength(2048)
  storeUrl: string;

  @ApiProperty({ example: 'ck_xxxxxxxxxxxxxxxxxxxxxxxx', description: 'WooCommerce REST API consumer key (Read/Write)' })
  @Transform(trim)
  @IsString()
  @Matches(/^ck_[A-Za-z0-9_]{8,128}$/, { message: 'consumerKey must be a WooCommerce consumer key (ck_…)' })
  consumerKey: string;

  @ApiProperty({ example: 'cs_xxxxxxxxxxxxxxxxxxxxxxxx', description: 'WooCommerce REST API consumer secret; stored encrypted, never returned' })
  @Transform(trim)
  @IsString()
  @Matches(/^cs_[A-Za-z0-9_]{8,128}$/, { message: 'consumerSecret must be a WooCommerce consumer secret (cs_…)' })
  consumerSecret: string;

  @ApiProperty({ example: 'admin@yourstore.com' })
  @Transform(lower)
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(320)
  email: string;

  @ApiProperty({ example: 'woocommerce', enum: ['woocommerce'] })
  @IsIn(['woocommerce'], { message: 'platform must be woocommerce' })
  platform: 'woocommerce';

  @ApiPropertyOptional({ example: '1.1.0' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @Matches(/^[0-9A-Za-z.+-]+$/, { message: 'pluginVersion must be a version such as 1.1.0' })
  pluginVersion?: string;
}

/** Which store to disconnect: optional while the account has one WooCommerce store. */
export class DisconnectStoreDto {
  @ApiPropertyOptional({ description: 'The channel to disconnect (default: the account’s only WooCommerce store)' })
  @IsOptional()
  @IsUUID()
  channelId?: string;

  @ApiPropertyOptional({ example: 'https://yourstore.com' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'storeUrl must be an http(s) URL' })
  @MaxLength(2048)
  storeUrl?: string;
}

export class ShopifyInitDto {
  @ApiProperty({ example: 'mystore.myshopify.com', description: 'The shop’s myshopify.com domain, or just its name' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  shopDomain: string;

  @ApiPropertyOptional({ description: 'An existing Shopify channel to link' })
  @IsOptional()
  @IsUUID()
  channelId?: string;
}
