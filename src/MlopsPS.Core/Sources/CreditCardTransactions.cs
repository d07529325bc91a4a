using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Sources;

/// <summary>
/// Card transactions of US customers with their balances, after the credit card generator of the Cloudera MLOps
/// lab, with a fraud label that depends on the features.
/// <para>
/// Columns: <c>transaction_id</c> (Int64, <c>(uint)seed * 2^31 + row</c> as <see cref="TelcoCellTowers"/>'s id: the
/// key ground truth joins on); <c>credit_card_number</c> (Luhn-valid, with the provider's prefix and length);
/// <c>credit_card_provider</c> (Visa 45 %, Mastercard 35 %, American Express 12 %, Discover 8 %);
/// <c>transaction_type</c> (purchase 90 %, cash_advance 10 %); <c>event_ts</c> (UTC, uniform over the 30 days from
/// 2025-01-01, whole seconds); <c>longitude</c> -125..-66.93, <c>latitude</c> 24.40..49.38 (uniform, 6 decimals);
/// balances in dollars and cents, log-normal <c>median * exp(sigma N)</c>, zero for people without one:
/// <c>credit_card_balance</c> (90 % have one, median 2,500, sigma 0.9), <c>bank_account_balance</c> (median 8,000,
/// sigma 1.0), <c>mortgage_balance</c> (45 %, 220,000, 0.6), <c>savings_account_balance</c> (70 %, 15,000, 1.1),
/// <c>primary_loan_balance</c> (50 %, 18,000, 0.7), <c>secondary_loan_balance</c> (25 %, 6,000, 0.8),
/// <c>uni_loan_balance</c> (30 %, 25,000, 0.6); <c>total_est_nworth</c> = bank + savings + other assets (log-normal,
/// median 180,000, sigma 1.0) - every balance owed (may be negative); <c>transaction_currency</c> (USD 85 %, EUR 5 %,
/// GBP 4 %, CAD 4 %, MXN 2 %); <c>transaction_amount</c> in 0.01..30,000 (purchases median 45, sigma 1.1; cash
/// advances median 400, sigma 0.8); <c>fraud_trx</c> 0/1 (Int64).
/// </para>
/// <para>
/// Label: with <c>r = ln(transaction_amount) - ln(bank_account_balance + savings_account_balance + 100)</c> (how large
/// the amount is against the money the customer has), <c>zr = (r - RatioMean) / RatioSd</c> (reference constants
/// below), <c>ca</c> = 1 for a cash advance and <c>zlat = (latitude - 36.89) / 7.2111</c>,
/// <c>P(fraud_trx = 1) = 1 / (1 + exp(-(Intercept + 1.2 zr + 1.0 ca + 0.0 zlat)))</c>, drawn as a Bernoulli: about
/// 10 % positive. See <c>docs/datasets.md</c> for the ROC AUC a model reaches.
/// </para>
/// <para>
/// Drift of magnitude m (0..1): transaction amounts grow by a factor 1 + 1.5m, bank balances shrink by a factor
/// 1 - 0.5m, cash advances rise to 10 % + 10m %; the coefficients move linearly to (zr 0.6, ca 2.0, zlat -1.0): the
/// amount matters less, cash advances more, and fraud concentrates in the south, which a model trained before the
/// drift cannot know.
/// </para>
/// </summary>
public sealed class CreditCardTransactions : SyntheticDataset
{
    /// <summary>The registry name.</summary>
    public const string DatasetName = "CreditCardTransactions";

    /// <summary>The first instant of <c>event_ts</c>.</summary>
    public static readonly DateTime EventWindowStart = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>The length of the <c>event_ts</c> window.</summary>
    public static readonly TimeSpan EventWindow = TimeSpan.FromDays(30);

    // Mean and standard deviation of r under the reference distribution (measured on 4 million rows); fixed, so
    // drift moves the logit.
    internal const double RatioMean = -5.86;
    internal const double RatioSd = 1.63;
    internal const double LatitudeMean = 36.89;
    internal const double LatitudeSd = 7.2111;

    // Intercept chosen so that 10 % of reference rows are positive (measured on 4 million rows).
    internal const double Intercept = -2.97;
    internal const double BetaRatio = 1.2;
    internal const double BetaCashAdvance = 1.0;
    internal const double BetaLatitude = 0.0;
    internal const double DriftedBetaRatio = 0.6;
    internal const double DriftedBetaCashAdvance = 2.0;
    internal const double DriftedBetaLatitude = -1.0;

    internal const double CashAdvanceShare = 0.10;
    internal const double DriftCashAdvanceShare = 0.10;
    internal const double DriftAmountGrowth = 1.5;
    internal const double DriftBankShrink = 0.5;
    internal const double MinAmount = 0.01;
    internal const double MaxAmount = 30_000.0;

    private const string Purchase = "purchase";
    private const string CashAdvance = "cash_advance";

    private static readonly string[] s_providers = ["Visa", "Mastercard", "American Express", "Discover"];
    private static readonly double[] s_providerWeights = [0.45, 0.35, 0.12, 0.08];
    private static readonly string[] s_currencies = ["USD", "EUR", "GBP", "CAD", "MXN"];
    private static readonly double[] s_currencyWeights = [0.85, 0.05, 0.04, 0.04, 0.02];

    private static readonly TableSchema s_schema = new(
    [
        new ColumnSpec("transaction_id", ColumnType.Int64),
        new ColumnSpec("credit_card_number", ColumnType.String),
        new ColumnSpec("credit_card_provider", ColumnType.String),
        new ColumnSpec("transaction_type", ColumnType.String),
        new ColumnSpec("event_ts", ColumnType.Timestamp),
        new ColumnSpec("longitude", ColumnType.Double),
        new ColumnSpec("latitude", ColumnType.Double),
        new ColumnSpec("credit_card_balance", ColumnType.Double),
        new ColumnSpec("bank_account_balance", ColumnType.Double),
        new ColumnSpec("mortgage_balance", ColumnType.Double),
        new ColumnSpec("savings_account_balance", ColumnType.Double),
        new ColumnSpec("total_est_nworth", ColumnType.Double),
        new ColumnSpec("primary_loan_balance", ColumnType.Double),
        new ColumnSpec("secondary_loan_balance", ColumnType.Double),
        new ColumnSpec("uni_loan_balance", ColumnType.Double),
        new ColumnSpec("transaction_currency", ColumnType.String),
        new ColumnSpec("transaction_amount", ColumnType.Double),
        new ColumnSpec("fraud_trx", ColumnType.Int64),
    ]);

    /// <summary>The card providers, in the order of their weights.</summary>
    public static IReadOnlyList<string> Providers => s_providers;

    /// <summary>The currencies, in the order of their weights.</summary>
    public static IReadOnlyList<string> Currencies => s_currencies;

    /// <inheritdoc />
    public override string Name => DatasetName;

    /// <inheritdoc />
    public override string Description =>
        "Card transactions with customer balances; fraud_trx (~10 %) depends on the amount against the customer's money and on cash advances.";

    /// <inheritdoc />
    public override TableSchema Schema => s_schema;

    /// <inheritdoc />
    public override string Label => "fraud_trx";

    /// <summary>The numeric columns except the identifier and the label.</summary>
    public override IReadOnlyList<string> DefaultFeatures { get; } =
    [
        "longitude", "latitude", "credit_card_balance", "bank_account_balance", "mortgage_balance",
        "savings_account_balance", "total_est_nworth", "primary_loan_balance", "secondary_loan_balance",
        "uni_loan_balance", "transaction_amount",
    ];

    /// <summary>The probability of fraud for one transaction at drift magnitude <paramref name="drift"/> (the documented formula).</summary>
    public static double FraudProbability(
        double transactionAmount,
        double bankAccountBalance,
        double savingsAccountBalance,
        bool isCashAdvance,
        double latitude,
        double drift = 0.0)
    {
        var ratio = Math.Log(transactionAmount) - Math.Log(bankAccountBalance + savingsAccountBalance + 100.0);
        var logit = Intercept
            + (Lerp(BetaRatio, DriftedBetaRatio, drift) * ((ratio - RatioMean) / RatioSd))
            + (isCashAdvance ? Lerp(BetaCashAdvance, DriftedBetaCashAdvance, drift) : 0.0)
            + (Lerp(BetaLatitude, DriftedBetaLatitude, drift) * ((latitude - LatitudeMean) / LatitudeSd));
        return 1.0 / (1.0 + Math.Exp(-logit));
    }

    private protected override BatchFiller CreateFiller(int seed, double driftMagnitude) => new Filler(seed, driftMagnitude);

    private static double Lerp(double from, double to, double t) => from + ((to - from) * t);

    /// <summary>One stream per column; see <see cref="Xoshiro256StarStar.ForStream"/>.</summary>
    private sealed class Filler : BatchFiller
    {
        private readonly long _idBase;
        private readonly double _drift;
        private readonly Xoshiro256StarStar[] _streams;

        public Filler(int seed, double drift)
        {
            _idBase = (long)(uint)seed << 31;
            _drift = drift;
            _streams = new Xoshiro256StarStar[Stream.Count];
            for (var s = 0; s < _streams.Length; s++)
            {
                _streams[s] = Xoshiro256StarStar.ForStream(seed, s + 1);
            }
        }

        public override ColumnBatch Fill(int firstRow, int count)
        {
            var ids = new long[count];
            for (var i = 0; i < count; i++)
            {
                ids[i] = _idBase | (uint)(firstRow + i);
            }

            var providerIndexes = new int[count];
            var providers = new string[count];
            ref var providerRng = ref _streams[Stream.Provider];
            for (var i = 0; i < count; i++)
            {
                providerIndexes[i] = SyntheticColumns.PickIndex(ref providerRng, s_providerWeights);
                providers[i] = s_providers[providerIndexes[i]];
            }

            var numbers = CardNumbers(ref _streams[Stream.CardNumber], providerIndexes);

            var cashAdvanceShare = CashAdvanceShare + (DriftCashAdvanceShare * _drift);
            var isCashAdvance = new bool[count];
            var types = new string[count];
            ref var typeRng = ref _streams[Stream.TransactionType];
            for (var i = 0; i < count; i++)
            {
                isCashAdvance[i] = typeRng.NextDouble() < cashAdvanceShare;
                types[i] = isCashAdvance[i] ? CashAdvance : Purchase;
            }

            var timestamps = new DateTime[count];
            ref var tsRng = ref _streams[Stream.EventTime];
            var windowSeconds = (long)EventWindow.TotalSeconds;
            for (var i = 0; i < count; i++)
            {
                var second = (long)(tsRng.NextDouble() * windowSeconds);
                timestamps[i] = EventWindowStart.AddTicks(second * TimeSpan.TicksPerSecond);
            }

            var longitudes = SyntheticColumns.Uniform(ref _streams[Stream.Longitude], count, TelcoCellTowers.MinLongitude, TelcoCellTowers.MaxLongitude, 6);
            var latitudes = SyntheticColumns.Uniform(ref _streams[Stream.Latitude], count, TelcoCellTowers.MinLatitude, TelcoCellTowers.MaxLatitude, 6);

            var creditCard = Balances(Stream.CreditCardBalance, count, 2_500, 0.9, 0.90, 50_000);
            var bank = Balances(Stream.BankBalance, count, 8_000 * (1.0 - (DriftBankShrink * _drift)), 1.0, 1.0, 2_000_000);
            var mortgage = Balances(Stream.MortgageBalance, count, 220_000, 0.6, 0.45, 3_000_000);
            var savings = Balances(Stream.SavingsBalance, count, 15_000, 1.1, 0.70, 5_000_000);
            var primaryLoan = Balances(Stream.PrimaryLoanBalance, count, 18_000, 0.7, 0.50, 1_000_000);
            var secondaryLoan = Balances(Stream.SecondaryLoanBalance, count, 6_000, 0.8, 0.25, 500_000);
            var uniLoan = Balances(Stream.UniLoanBalance, count, 25_000, 0.6, 0.30, 500_000);
            var otherAssets = Balances(Stream.OtherAssets, count, 180_000, 1.0, 1.0, 50_000_000);
            var netWorth = new double[count];
            for (var i = 0; i < count; i++)
            {
                netWorth[i] = Math.Round(
                    bank[i] + savings[i] + otherAssets[i]
                    - mortgage[i] - creditCard[i] - primaryLoan[i] - secondaryLoan[i] - uniLoan[i],
                    2);
            }

            var currencies = SyntheticColumns.Pick(ref _streams[Stream.Currency], count, s_currencies, s_currencyWeights);

            var growth = 1.0 + (DriftAmountGrowth * _drift);
            var amounts = new double[count];
            ref var amountRng = ref _streams[Stream.Amount];
            for (var i = 0; i < count; i++)
            {
                amounts[i] = isCashAdvance[i]
                    ? SyntheticColumns.LogNormalAmount(ref amountRng, 400 * growth, 0.8, MinAmount, MaxAmount)
                    : SyntheticColumns.LogNormalAmount(ref amountRng, 45 * growth, 1.1, MinAmount, MaxAmount);
            }

            var labels = new long[count];
            ref var labelRng = ref _streams[Stream.Label];
            for (var i = 0; i < count; i++)
            {
                var p = FraudProbability(amounts[i], bank[i], savings[i], isCashAdvance[i], latitudes[i], _drift);
                labels[i] = labelRng.NextDouble() < p ? 1 : 0;
            }

            return new ColumnBatch(
                s_schema,
                [
                    ids, numbers, providers, types, timestamps, longitudes, latitudes, creditCard, bank, mortgage, savings,
                    netWorth, primaryLoan, secondaryLoan, uniLoan, currencies, amounts, labels,
                ],
                count);
        }

        private double[] Balances(int stream, int count, double median, double sigma, double presence, double max)
        {
            var values = new double[count];
            ref var rng = ref _streams[stream];
            for (var i = 0; i < count; i++)
            {
                values[i] = SyntheticColumns.LogNormalAmount(ref rng, median, sigma, 0.0, max, presence);
            }

            return values;
        }

        /// <summary>
        /// Card numbers with the provider's prefix and length (Visa 4 + 16 digits, Mastercard 51-55 + 16, American
        /// Express 34/37 + 15, Discover 6011 + 16) and a valid Luhn check digit, so they look and validate like
        /// real numbers without being anyone's.
        /// </summary>
        private static string[] CardNumbers(ref Xoshiro256StarStar rng, int[] providerIndexes)
        {
            var values = new string[providerIndexes.Length];
            Span<char> digits = stackalloc char[16];
            for (var i = 0; i < values.Length; i++)
            {
                var bits = rng.NextUInt64();
                int length;
                int prefixLength;
                switch (providerIndexes[i])
                {
                    case 0:
                        digits[0] = '4';
                        (length, prefixLength) = (16, 1);
                        break;
                    case 1:
                        digits[0] = '5';
                        digits[1] = (char)('1' + (int)(bits % 5));
                        bits /= 5;
                        (length, prefixLength) = (16, 2);
                        break;
                    case 2:
                        digits[0] = '3';
                        digits[1] = (bits & 1) == 0 ? '4' : '7';
                        bits >>= 1;
                        (length, prefixLength) = (15, 2);
                        break;
                    default:
                        "6011".AsSpan().CopyTo(digits);
                        (length, prefixLength) = (16, 4);
                        break;
                }

                // Up to 14 random digits need log2(10^14) = 46.5 bits; what is left of 64 bits is enough.
                for (var d = prefixLength; d < length - 1; d++)
                {
                    digits[d] = (char)('0' + (int)(bits % 10));
                    bits /= 10;
                }

                digits[length - 1] = LuhnCheckDigit(digits[..(length - 1)]);
                values[i] = new string(digits[..length]);
            }

            return values;
        }

        /// <summary>The digit that makes the Luhn sum of <paramref name="payload"/> followed by it a multiple of 10.</summary>
        private static char LuhnCheckDigit(ReadOnlySpan<char> payload)
        {
            var sum = 0;
            var doubleIt = true; // the digit left of the check digit is doubled
            for (var d = payload.Length - 1; d >= 0; d--)
            {
                var digit = payload[d] - '0';
                if (doubleIt)
                {
                    digit *= 2;
                    if (digit > 9)
                    {
                        digit -= 9;
                    }
                }

                sum += digit;
                doubleIt = !doubleIt;
            }

            return (char)('0' + ((10 - (sum % 10)) % 10));
        }
    }

    /// <summary>The stream number of each column (offset by one from the seed's stream 0).</summary>
    private static class Stream
    {
        public const int Provider = 0;
        public const int CardNumber = 1;
        public const int TransactionType = 2;
        public const int EventTime = 3;
        public const int Longitude = 4;
        public const int Latitude = 5;
        public const int CreditCardBalance = 6;
        public const int BankBalance = 7;
        public const int MortgageBalance = 8;
        public const int SavingsBalance = 9;
        public const int PrimaryLoanBalance = 10;
        public const int SecondaryLoanBalance = 11;
        public const int UniLoanBalance = 12;
        public const int OtherAssets = 13;
        public const int Currency = 14;
        public const int Amount = 15;
        public const int Label = 16;
        public const int Count = 17;
    }
}
