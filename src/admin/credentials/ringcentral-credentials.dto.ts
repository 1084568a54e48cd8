import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class PutRingCentralCredentialsDto {
  @ApiProperty({ description: "The admin's RingCentral JWT credential (Developer Console → Credentials)" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(8192)
  jwt: string;
}

export class RingCentralConnectionDto {
  @ApiProperty({ example: true })
  connected: boolean;

  @ApiProperty({ description: 'RingCentral account id the credential belongs to', example: '37439510' })
  accountId: string;

  @ApiProperty({ description: 'RingCentral extension id the credential belongs to', example: '62264425' })
  extensionId: string;
}
