namespace Mlobs.Query.PromQl.Engine;

/// <summary>
/// The k best samples of a group as Prometheus keeps them (promql's vectorByValueHeap with Go's container/heap):
/// a binary heap with the worst kept sample at the root, which a better newcomer replaces. Emulating Go's heap
/// operations exactly matters for ties: which of several equal values stay, and in what order they come out
/// (Go sorts the final heap with sort.Sort, an insertion sort up to 12 elements, which keeps heap order on ties).
/// </summary>
internal sealed class TopKHeap<T>(bool bottom, Func<T, double> value)
{
    private readonly List<T> _items = [];

    public int Count => _items.Count;

    /// <summary>The value at the root: the worst of the kept samples once the heap is full.</summary>
    public double RootValue => value(_items[0]);

    /// <summary>vectorByValueHeap.Less (topk) or vectorByReverseValueHeap.Less (bottomk): NaN is always "less".</summary>
    private bool Less(int i, int j)
    {
        double a = value(_items[i]), b = value(_items[j]);
        if (double.IsNaN(a) && !double.IsNaN(b)) return true;
        return bottom ? a > b : a < b;
    }

    private void Swap(int i, int j) => (_items[i], _items[j]) = (_items[j], _items[i]);

    /// <summary>One input sample, in input order (aggregation.go's TOPK/BOTTOMK case).</summary>
    public void Add(T item, long k)
    {
        if (_items.Count < k)
        {
            _items.Add(item);
            Up(_items.Count - 1);
            return;
        }
        double root = value(_items[0]), f = value(item);
        bool better = bottom ? root > f : root < f;
        if (better || (double.IsNaN(root) && !double.IsNaN(f)))
        {
            _items[0] = item;
            if (k > 1 && !Down(0, _items.Count)) Up(0);
        }
    }

    /// <summary>The kept samples best first: sort.Sort(sort.Reverse(heap)).</summary>
    public List<T> Sorted()
    {
        int n = _items.Count;
        if (n > 1)
        {
            if (n <= 12)
            {
                // Go's pdqsort sorts this few elements by insertion sort (Reverse: Less(j, j-1) is Less(j-1, j)).
                for (int i = 1; i < n; i++)
                    for (int j = i; j > 0 && Less(j - 1, j); j--) Swap(j, j - 1);
            }
            else
            {
                // Larger k: Go's pdqsort is not stable; a stable sort is the closest reproducible order.
                var indexed = _items.Select((x, i) => (x, i)).ToList();
                indexed.Sort((p, q) =>
                {
                    double a = value(p.x), b = value(q.x);
                    bool pLess = double.IsNaN(a) && !double.IsNaN(b) || (bottom ? a > b : a < b);
                    bool qLess = double.IsNaN(b) && !double.IsNaN(a) || (bottom ? b > a : b < a);
                    return qLess ? -1 : pLess ? 1 : p.i.CompareTo(q.i);
                });
                return indexed.Select(p => p.x).ToList();
            }
        }
        return _items;
    }

    private void Up(int j)
    {
        while (true)
        {
            int i = (j - 1) / 2;
            if (i == j || !Less(j, i)) break;
            Swap(i, j);
            j = i;
        }
    }

    private bool Down(int i0, int n)
    {
        int i = i0;
        while (true)
        {
            int j1 = 2 * i + 1;
            if (j1 >= n || j1 < 0) break;
            int j = j1;
            if (j1 + 1 < n && Less(j1 + 1, j1)) j = j1 + 1;
            if (!Less(j, i)) break;
            Swap(i, j);
            i = j;
        }
        return i > i0;
    }
}
