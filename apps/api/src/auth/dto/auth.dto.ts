import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, IsUrl, MaxLength, MinLength } from 'class-validator';

const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

export class RegisterDto {
  @ApiProperty({ example: 'owner@example.com' })
  @Transform(lower)
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(320)
  email: string;

  @ApiProperty({ minLength: 8, maxLength: 200 })
  @IsString()
  @MinLength(8)
  @MaxLength(200)
  password: string;

  @ApiProperty({ maxLength: 200, example: 'Nordvik Outdoor' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  organizationName: string;
}

export class LoginDto {
  @ApiProperty()
  @Transform(lower)
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(320)
  email: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  password: string;
}

export class RegisterFromPluginDto {
  @ApiProperty({ example: 'admin@yourstore.com' })
  @Transform(lower)
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(320)
  email: string;

  @ApiProperty({ example: 'https://yourstore.com' })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'storeUrl must be an http(s) URL' })
  @MaxLength(2048)
  storeUrl: string;

  @ApiProperty({ example: 'woo-plugin' })
  @IsString()
  @IsIn(['woo-plugin', 'shopify-app', 'panel'])
  source: string;

  @ApiPropertyOptional({ description: 'Random secret the plugin keeps; proves the site on later calls', minLength: 16 })
  @IsOptional()
  @IsString()
  @MinLength(16)
  @MaxLength(512)
  siteSecret?: string;
}
