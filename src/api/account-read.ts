import { type AnswerScan, mismatch, scanAnswer } from "./answer-scan.js";
import type { Decimal } from "./decimal.js";
import {
  type Account,
  type Balance,
  ORDER_STATUSES,
  ORDER_TYPES,
  type Order,
  type OrderStatus,
  type OrderType,
  type Side,
  type Trade,
} from "./types.js";

/**
 * Hand-written readers of the signed answers a replay asks for most (a simulated day: 1,722 myTrades, 844
 * account, 634 order lookups and open-order lists), each giving what its schema in schemas-account.ts gives:
 * the same fields in the same order, the same nulls for what MEXC leaves out or blanks, or `undefined` for
 * anything else, which then goes through parseJson and the schema (answer-scan.ts says what that covers).
 * Members the schema does not read (orderListId, isBestMatch, stpMode, cancelReason, balances[].available, the
 * account's commissions) are checked as JSON and dropped, as zod drops them.
 */

const SIDES: readonly Side[] = ["BUY", "SELL"];

/** GET /api/v3/account, as accountSchema reads it. */
export function readAccount(text: string): Account | undefined {
  return scanAnswer(text, account);
}

/** GET /api/v3/myTrades, as z.array(tradeSchema) reads it. */
export function readTrades(text: string): Trade[] | undefined {
  return scanAnswer(text, (s) => s.list(trade));
}

/** GET /api/v3/order, as orderSchema reads it. */
export function readOrder(text: string): Order | undefined {
  return scanAnswer(text, order);
}

/** GET /api/v3/openOrders and allOrders, as z.array(orderSchema) reads them. */
export function readOrders(text: string): Order[] | undefined {
  return scanAnswer(text, (s) => s.list(order));
}

function account(s: AnswerScan): Account {
  let canTrade: boolean | undefined;
  let canWithdraw: boolean | null = null;
  let canDeposit: boolean | null = null;
  let updateTime: number | null = null;
  let accountType: string | null = null;
  let balances: Balance[] | undefined;
  let permissions: string[] = [];
  if (s.openObject()) {
    do {
      switch (s.key()) {
        case "canTrade":
          canTrade = s.bool();
          break;
        case "canWithdraw":
          canWithdraw = s.boolOrNull();
          break;
        case "canDeposit":
          canDeposit = s.boolOrNull();
          break;
        case "updateTime":
          updateTime = s.intOrNull();
          break;
        case "accountType":
          accountType = s.strOrNull();
          break;
        case "balances":
          balances = s.list(balance);
          break;
        case "permissions":
          permissions = s.strList();
          break;
        default:
          s.skip();
      }
    } while (s.nextMember());
  }
  if (canTrade === undefined || balances === undefined) return mismatch();
  return { canTrade, canWithdraw, canDeposit, updateTime, accountType, balances, permissions };
}

function balance(s: AnswerScan): Balance {
  let asset: string | undefined;
  let free: Decimal | undefined;
  let locked: Decimal | undefined;
  if (s.openObject()) {
    do {
      switch (s.key()) {
        case "asset":
          asset = s.str();
          break;
        case "free":
          free = s.dec();
          break;
        case "locked":
          locked = s.dec();
          break;
        default:
          s.skip();
      }
    } while (s.nextMember());
  }
  if (asset === undefined || free === undefined || locked === undefined) return mismatch();
  return { asset, free, locked };
}

// long-function: one case per field of a trade, the schema's list read in one switch.
function trade(s: AnswerScan): Trade {
  let symbol: string | undefined;
  let id: string | undefined;
  let orderId: string | undefined;
  let price: Decimal | undefined;
  let qty: Decimal | undefined;
  let quoteQty: Decimal | undefined;
  let commission: Decimal | undefined;
  let commissionAsset: string | undefined;
  let time: number | undefined;
  let isBuyer: boolean | undefined;
  let isMaker: boolean | undefined;
  let clientOrderId: string | null = null;
  if (s.openObject()) {
    do {
      switch (s.key()) {
        case "symbol":
          symbol = s.str();
          break;
        case "id":
          id = s.id();
          break;
        case "orderId":
          orderId = s.id();
          break;
        case "price":
          price = s.dec();
          break;
        case "qty":
          qty = s.dec();
          break;
        case "quoteQty":
          quoteQty = s.dec();
          break;
        case "commission":
          commission = s.dec();
          break;
        case "commissionAsset":
          commissionAsset = s.str();
          break;
        case "time":
          time = s.int();
          break;
        case "isBuyer":
          isBuyer = s.bool();
          break;
        case "isMaker":
          isMaker = s.bool();
          break;
        case "clientOrderId":
          clientOrderId = s.strOrNull();
          break;
        default:
          s.skip();
      }
    } while (s.nextMember());
  }
  if (
    symbol === undefined ||
    id === undefined ||
    orderId === undefined ||
    price === undefined ||
    qty === undefined ||
    quoteQty === undefined ||
    commission === undefined ||
    commissionAsset === undefined ||
    time === undefined ||
    isBuyer === undefined ||
    isMaker === undefined
  ) {
    return mismatch();
  }
  return {
    symbol,
    id,
    orderId,
    price,
    qty,
    quoteQty,
    commission,
    commissionAsset,
    time,
    isBuyer,
    isMaker,
    clientOrderId,
  };
}

// long-function: one case per field of an order, the schema's list read in one switch.
function order(s: AnswerScan): Order {
  let symbol: string | undefined;
  let orderId: string | undefined;
  let clientOrderId: string | null = null;
  let origClientOrderId: string | null = null;
  let price: Decimal | undefined;
  let origQty: Decimal | null = null;
  let qty: Decimal | null = null;
  let executedQty: Decimal | undefined;
  let cummulativeQuoteQty: Decimal | undefined;
  let status: OrderStatus | undefined;
  let timeInForce: string | null = null;
  let type: OrderType | undefined;
  let side: Side | undefined;
  let origQuoteOrderQty: Decimal | null = null;
  let time: number | null = null;
  let updateTime: number | null = null;
  if (s.openObject()) {
    do {
      switch (s.key()) {
        case "symbol":
          symbol = s.str();
          break;
        case "orderId":
          orderId = s.id();
          break;
        case "clientOrderId":
          clientOrderId = s.strOrNull();
          break;
        case "origClientOrderId":
          origClientOrderId = s.strOrNull();
          break;
        case "price":
          price = s.dec();
          break;
        case "origQty":
          origQty = s.decOrNull();
          break;
        case "Qty":
          qty = s.decOrNull();
          break;
        case "executedQty":
          executedQty = s.dec();
          break;
        case "cummulativeQuoteQty":
          cummulativeQuoteQty = s.dec();
          break;
        case "status":
          status = s.oneOf(ORDER_STATUSES);
          break;
        case "timeInForce":
          timeInForce = s.strOrNull();
          break;
        case "type":
          type = s.oneOf(ORDER_TYPES);
          break;
        case "side":
          side = s.oneOf(SIDES);
          break;
        case "origQuoteOrderQty":
          origQuoteOrderQty = s.decOrNull();
          break;
        case "time":
          time = s.intOrNull();
          break;
        case "updateTime":
          updateTime = s.intOrNull();
          break;
        default:
          s.skip();
      }
    } while (s.nextMember());
  }
  // orderSchema's rule: the docs name the quantity `origQty`, GET /api/v3/order's example `Qty`.
  const quantity = origQty ?? qty;
  if (
    symbol === undefined ||
    orderId === undefined ||
    price === undefined ||
    executedQty === undefined ||
    cummulativeQuoteQty === undefined ||
    status === undefined ||
    type === undefined ||
    side === undefined ||
    quantity === null
  ) {
    return mismatch();
  }
  return {
    symbol,
    orderId,
    clientOrderId,
    origClientOrderId,
    price,
    executedQty,
    cummulativeQuoteQty,
    status,
    timeInForce,
    type,
    side,
    origQuoteOrderQty,
    time,
    updateTime,
    origQty: quantity,
  };
}
