using MlopsPS.Core.Sources;
using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Tests.Sources;

public class CreditCardTransactionsTests
{
    private static readonly CreditCardTransactions s_dataset = new();

    private static readonly Lazy<ColumnBatch> s_rows = new(() => Batches.Concat(s_dataset.Generate(100_000, seed: 21)));

    private static readonly string[] s_balances =
    [
        "credit_card_balance", "bank_account_balance", "mortgage_balance", "savings_account_balance",
        "primary_loan_balance", "secondary_loan_balance", "uni_loan_balance",
    ];

    [Fact]
    public void DefaultFeatures_AreTheNumericColumnsExceptIdAndLabel()
    {
        var expected = s_dataset.Schema.Columns
            .Where(c => c.IsNumeric && c.Name is not ("transaction_id" or "fraud_trx"))
            .Select(c => c.Name);

        Assert.Equal(expected, s_dataset.DefaultFeatures);
        Assert.Equal(ColumnType.Timestamp, s_dataset.Schema.Find("event_ts")?.Type);
    }

    [Fact]
    public void Columns_StayInTheirDocumentedRanges()
    {
        var rows = s_rows.Value;

        Assert.All(rows.Column<double>("longitude"), v => Assert.InRange(v, -125.0, -66.93));
        Assert.All(rows.Column<double>("latitude"), v => Assert.InRange(v, 24.40, 49.38));
        Assert.All(rows.Column<double>("transaction_amount"), v => Assert.InRange(v, 0.01, 30_000));
        Assert.All(s_balances, b => Assert.All(rows.Column<double>(b), v => Assert.True(v >= 0, b)));
        Assert.Contains(rows.Column<double>("total_est_nworth"), v => v < 0);
        Assert.All(rows.Column<DateTime>("event_ts"), t =>
        {
            Assert.Equal(DateTimeKind.Utc, t.Kind);
            Assert.InRange(t, CreditCardTransactions.EventWindowStart, CreditCardTransactions.EventWindowStart + CreditCardTransactions.EventWindow);
        });
        Assert.Equal(CreditCardTransactions.Currencies.Order(), rows.Column<string>("transaction_currency").Distinct().Order());
        Assert.Equal([0L, 1L], rows.Column<long>("fraud_trx").Distinct().Order());
    }

    [Fact]
    public void TransactionTypes_ArePurchaseAndCashAdvanceNineToOne()
    {
        var types = s_rows.Value.Column<string>("transaction_type");

        Assert.Equal(["cash_advance", "purchase"], types.Distinct().Order());
        Assert.InRange(types.Count(t => t == "cash_advance") / (double)types.Length, 0.095, 0.105);
    }

    [Fact]
    public void CardNumbers_AreLuhnValidWithTheProvidersPrefixAndLength()
    {
        var rows = s_rows.Value;
        var numbers = rows.Column<string>("credit_card_number");
        var providers = rows.Column<string>("credit_card_provider");

        Assert.Equal(CreditCardTransactions.Providers.Order(), providers.Distinct().Order());
        for (var i = 0; i < rows.RowCount; i++)
        {
            var number = numbers[i];
            Assert.True(IsLuhnValid(number), number);
            var ok = providers[i] switch
            {
                "Visa" => number.Length == 16 && number[0] == '4',
                "Mastercard" => number.Length == 16 && number[0] == '5' && number[1] is >= '1' and <= '5',
                "American Express" => number.Length == 15 && number[..2] is "34" or "37",
                "Discover" => number.Length == 16 && number.StartsWith("6011", StringComparison.Ordinal),
                _ => false,
            };
            Assert.True(ok, $"{providers[i]} {number}");
        }
    }

    [Fact]
    public void PositiveRate_IsAbout10PercentAt100kRows()
    {
        Assert.InRange(s_rows.Value.Column<long>("fraud_trx").Average(), 0.09, 0.11);
    }

    [Fact]
    public void Fraud_IsMoreLikelyForCashAdvancesAndForAmountsLargeAgainstTheBalances()
    {
        var rows = s_rows.Value;
        var label = rows.Column<long>("fraud_trx");
        var types = rows.Column<string>("transaction_type");
        var amount = rows.Column<double>("transaction_amount");
        var bank = rows.Column<double>("bank_account_balance");
        var savings = rows.Column<double>("savings_account_balance");
        var all = Enumerable.Range(0, rows.RowCount).ToArray();

        var cashAdvance = all.Where(i => types[i] == "cash_advance").Average(i => label[i]);
        var purchase = all.Where(i => types[i] == "purchase").Average(i => label[i]);
        var ratio = all.Select(i => amount[i] / (bank[i] + savings[i] + 100)).ToArray();
        var byRatio = all.OrderBy(i => ratio[i]).ToArray();
        var lowRatio = byRatio.Take(rows.RowCount / 5).Average(i => label[i]);
        var highRatio = byRatio.TakeLast(rows.RowCount / 5).Average(i => label[i]);

        Assert.True(cashAdvance > 2 * purchase, $"cash advance {cashAdvance:P1}, purchase {purchase:P1}");
        Assert.True(highRatio > 5 * lowRatio, $"top fifth {highRatio:P1}, bottom fifth {lowRatio:P1}");
    }

    [Fact]
    public void Label_IsLearnableFromTheDefaultFeatures_OnRowsOfAnotherSeed()
    {
        var model = BinnedNaiveBayes.Fit(s_rows.Value, s_dataset.DefaultFeatures, s_dataset.Label);
        var test = Batches.Concat(s_dataset.Generate(50_000, seed: 22));

        var auc = RocAuc.Compute(model.Score(test), test.Column<long>(s_dataset.Label));

        Assert.InRange(auc, 0.70, 0.85);
    }

    [Fact]
    public void FirstRowsOfSeed42_AreStable()
    {
        var rows = Batches.Concat(s_dataset.Generate(3, seed: 42));

        Assert.Equal(
            [
                "90194313216|5534436520072406|Mastercard|purchase|2025-01-21T11:46:14.0000000Z|-109.017974|37.174994|468.98|35926.12|0|15925.15|218232.87|0|0|0|USD|33.14|0",
                "90194313217|4461734104757412|Visa|purchase|2025-01-20T13:16:19.0000000Z|-114.242586|42.379617|0|70409.94|2769716.17|9960.8|-2303766.59|11768.22|0|73011.95|USD|46.94|0",
                "90194313218|4419245481708517|Visa|purchase|2025-01-08T17:20:38.0000000Z|-85.671557|43.869242|16517.01|13617.58|193789.1|8709.47|176222.03|0|0|0|USD|54.4|0",
            ],
            Enumerable.Range(0, 3).Select(i => string.Join("|", rows.Schema.Columns.Select((_, c) => TelcoCellTowersTests.Format(rows.GetValue(i, c))))));
    }

    private static bool IsLuhnValid(string number)
    {
        var sum = 0;
        for (var k = 0; k < number.Length; k++)
        {
            var digit = number[number.Length - 1 - k] - '0';
            if (k % 2 == 1)
            {
                digit = digit * 2 > 9 ? (digit * 2) - 9 : digit * 2;
            }

            sum += digit;
        }

        return sum % 10 == 0;
    }
}
