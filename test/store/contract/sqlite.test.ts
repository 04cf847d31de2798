import { sqliteFactory } from './factories.ts';
import { storeContract } from './store-contract.ts';

storeContract(sqliteFactory);
